// One WebSocket chat connection (protocol v1): the transport around a ChatConversation. It
// reads a message, checks size and rate, asks the conversation for the Turn, writes the
// Turn's record and only when that is durable sends its frames; the next message is read
// after that, so each conversation's turns stay in order without locks. All its handlers
// run on its own strand.
#pragma once
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <string>

#include "chat_conversation.hpp"
#include "handoff/handoff_hub.hpp"
#include "json_socket.hpp"
#include "server_context.hpp"
#include "token_bucket.hpp"

namespace rc {

class ChatSession : public std::enable_shared_from_this<ChatSession>, public PractitionerLink {
 public:
  // `admission` and `client_slot`: this connection's slots in its listener and its client's count.
  ChatSession(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx, std::shared_ptr<void> admission = nullptr, std::shared_ptr<void> client_slot = nullptr);
  ~ChatSession();

  void run(JsonSocket::Upgrade upgrade);
  // Safe from any thread: closes with 1001 (going away).
  void shutdown();
  // Safe from any thread: a person accepted, wrote, or ended (already logged).
  void handoff_notice(HandoffNotice notice) override;

 private:
  void read_next();
  void on_message(std::string text, bool is_text, std::size_t bytes);
  void on_gone();
  // Does what the turn asks, in order: I/O it needs, the write, then the frames and the rest.
  void carry_out(Turn turn);
  void write(Turn turn);
  void load(Turn turn);
  void check_staff(Turn turn);
  void finish(Turn turn);
  void follow();
  void leave(const HandoffPresence& left);
  void arm_deadline();
  void stop_deadline();
  void reply_error(const std::string& code, const std::string& message);
  void close(boost::beast::websocket::close_code code, const std::string& reason);

  JsonSocket socket_;
  ServerContext& ctx_;
  std::shared_ptr<void> admission_, client_slot_;  // held, not read: released with the session
  ChatConversation conversation_;
  // "unavailable" when no one accepts in time; made when a handoff first waits, since most
  // connections never ask for a person and a timer is 96 bytes on each (issue 18).
  std::unique_ptr<JsonSocket::Timer> deadline_timer_;
  // The conversation this session gets live notices for. Boxed: most never follow one, and a
  // ChatSession of at most 1,008 bytes is one 1,024-byte block for jemalloc with its
  // shared_ptr's count, not a 1,280-byte one (issue 18: idle connections).
  Boxed<std::string> followed_;
  TokenBucket bucket_;
  int rate_limited_ = 0;
  std::chrono::steady_clock::time_point read_at_;  // when the last message arrived (or the socket opened)
};

}  // namespace rc
