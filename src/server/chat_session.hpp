// One WebSocket chat connection (protocol v1). All its handlers run on its own strand.
// A turn is written to the log before the reply is sent; the next message is read only
// after that, so each conversation's turns stay in order without locks.
#pragma once
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "handoff/handoff_hub.hpp"
#include "protocol/protocol.hpp"
#include "server_context.hpp"
#include "token_bucket.hpp"

namespace rc {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

class ChatSession : public std::enable_shared_from_this<ChatSession>, public PractitionerLink {
 public:
  ChatSession(tcp::socket&& socket, ServerContext& ctx);
  ~ChatSession();

  void run(beast::http::request<beast::http::string_body> upgrade);
  // Safe from any thread: closes with 1001 (going away).
  void shutdown();
  // Safe from any thread: a person accepted, wrote, or ended (already logged).
  void handoff_notice(HandoffNotice notice) override;

 private:
  // The conversation's open handoff, as this connection knows it.
  struct OpenHandoff {
    std::string reference, status, route, queue, staff_name;  // status: requested | accepted
    bool urgent = false, told_unavailable = false;
    Millis deadline = 0;
  };
  // A phone call: who took it, and whether it is wrapped up (it cannot be ended before).
  struct PhoneCall {
    std::string staff_id, staff_name;
    bool wrapped_up = false;
  };
  struct Conversation {
    std::string id;
    const Dialog* dialog = nullptr;
    State state;
    std::string channel;
    std::int64_t revision = 0;  // as last read or written: writes are refused if another connection moved it on
    std::optional<OpenHandoff> handoff;
    std::optional<PhoneCall> call;  // channel phone only
  };
  using Reply = std::vector<nlohmann::json>;
  using Frames = std::vector<std::string>;  // serialised once: sent as they are and logged as an array

  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle(const std::string& text);
  void handle_start(const protocol::Message& m, const protocol::StartMsg& start, std::optional<PhoneCall> call = std::nullopt);
  void handle_engine_input(const protocol::Message& m, const Input& input, const std::string& node);
  void handle_end(const protocol::Message& m);
  void handle_resume(const protocol::Message& m, const protocol::ResumeMsg& resume);
  void on_resume_loaded(const protocol::Message& m, std::optional<store::StoredConversation> found, bool ok, bool after_conflict = false);
  void reload_after_conflict(const std::optional<std::string>& ref);
  // Handoff (docs/protocol.md).
  void handle_handoff(const protocol::Message& m, const protocol::HandoffMsg& h);
  void request_handoff(const protocol::Message& m, const std::string& reason);
  void cancel_handoff(const protocol::Message& m);
  void handle_chat_message(const protocol::Message& m, const protocol::ChatMsg& msg);
  void on_handoff_notice(const HandoffNotice& notice);
  // Phone calls (chat_session_call.cpp; docs/protocol.md, "Phone calls").
  void take_call(const protocol::Message& m, const protocol::StartMsg& start);  // checks the staff token first
  void on_staff_checked(const protocol::Message& m, const protocol::StartMsg& start, std::optional<PhoneCall> taker, bool ok);
  void handle_note(const protocol::Message& m, const protocol::NoteMsg& note);
  void handle_wrap_up(const protocol::Message& m, const protocol::WrapUpMsg& wrap_up);
  // Each replies with the error and reads on when it refuses (returns true).
  bool refuse_unwrapped_call(const std::optional<std::string>& ref);  // before end or a new start
  bool refuse_after_wrap_up(const std::optional<std::string>& ref);   // the script is closed once wrapped up
  bool refuse_unless_call(const protocol::Message& m);                // notes and wrap-up: phone calls only
  void add_call_fields(nlohmann::json& started_or_resumed, const PhoneCall& call) const;
  void arm_handoff_timer();
  void tell_unavailable();
  void follow(const std::optional<OpenHandoff>& h);  // attach to / detach from live notices
  // An end or a new start leaves the person: adds the cancellation; returns what to do after the commit.
  std::function<void()> cancel_into(store::Record& r, Millis now);
  nlohmann::json handoff_status_json(const OpenHandoff& h, const std::vector<std::string>& logged) const;

  // Outcomes also carry the summary, made from the conversation's (redacted) state, id and time.
  Reply render(const std::vector<Event>& events, const Conversation& c) const;
  static Frames frames_of(Reply&& messages, const std::optional<std::string>& ref);
  static std::string log_of(const Frames& frames);
  void add_turns(store::Record& record, const Conversation& c, const std::string& node, const std::string& in, std::string out, Millis now);
  store::ConversationUpdate update_for(const Conversation& c, Millis now) const;
  // Typed text the engine did not see (a handoff reason, a message, a note) raised alerts: log
  // them, and remember them in `c`'s state so every later outcome shows Duty and Advice.
  void remember_typed_alerts(store::Record& r, Conversation& c, const std::vector<AlertEvent>& alerts, const char* source, Millis now) const;
  // Writes the record, then on success runs `then` on this session's strand; on failure
  // replies server_busy. Either way the next message is read afterwards.
  void commit(store::Record record, std::optional<std::string> ref, std::function<void()> then);
  // The same for writes no client message caused (a timer): no reply on failure, no read after.
  void commit_unprompted(store::Record record, std::function<void()> then);

  void reply(Reply&& messages, const std::optional<std::string>& ref);
  void send_frames(Frames&& frames);
  void reply_error(const std::string& code, const std::string& message, const std::optional<std::string>& ref);
  void send(std::string frame);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void close(websocket::close_code code, const std::string& reason);
  void send_close();
  void arm_idle_timer();
  bool with_say() const { return conv_ && conv_->channel != "web"; }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  ServerContext& ctx_;
  net::steady_timer idle_timer_;
  net::steady_timer handoff_timer_;  // "unavailable" when no one accepts in time
  std::string followed_;             // the conversation this session gets live notices for
  TokenBucket bucket_;
  int rate_limited_ = 0;
  std::deque<std::string> outbox_;
  bool closing_ = false;
  std::optional<websocket::close_reason> close_reason_;  // set while queued replies drain before the close
  std::optional<Conversation> conv_;
  std::chrono::steady_clock::time_point read_at_;  // when the message being handled arrived
};

}  // namespace rc
