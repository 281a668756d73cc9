// One staff console connection (WebSocket /v1/staff on the console listener, docs/protocol.md
// "Staff console"). The first message must be {"type":"auth","token":...}; after that the
// member of staff sees the handoff queue of their hub (admin: every queue), accepts one, chats
// with the practitioner and ends it with a wrap-up note. Every read of a conversation is audited.
#pragma once
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "handoff/handoff_hub.hpp"
#include "handoff/handoff_service.hpp"
#include "json_socket.hpp"
#include "server_context.hpp"
#include "chat_conversation.hpp"  // kTypingEvery
#include "token_bucket.hpp"

namespace rc {

class StaffConsoleSession : public std::enable_shared_from_this<StaffConsoleSession>, public ConsoleLink {
 public:
  StaffConsoleSession(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx, std::shared_ptr<void> admission = nullptr);
  ~StaffConsoleSession();
  void run(JsonSocket::Upgrade upgrade);

  std::string scope() const override { return staff_ ? staff_->scope : "-"; }  // "-" sees nothing before sign-in
  std::string staff_id() const override { return staff_ ? staff_->id : std::string(); }
  void console_event(nlohmann::json event) override;

 private:
  static constexpr std::chrono::seconds kSignInDeadline{10};
  void read_next();
  void on_message(const std::string& text);
  void on_gone();
  void handle(const nlohmann::json& msg, const std::optional<std::string>& ref);
  void authenticate(const std::string& token, const std::optional<std::string>& ref);
  void send_queue(const std::optional<std::string>& ref);
  void relay_typing(const std::string& reference);
  // Runs a handoff operation; replies with `type` and the result, or the error.
  void answer(const std::optional<std::string>& ref, const std::string& type, handoff::ControlOutcome outcome, nlohmann::json body);
  void send(nlohmann::json msg, const std::optional<std::string>& ref = std::nullopt);
  void error(const std::string& code, const std::string& message, const std::optional<std::string>& ref);
  void close(boost::beast::websocket::close_code code, const std::string& reason);

  JsonSocket socket_;
  ServerContext& ctx_;
  std::shared_ptr<void> admission_;  // this connection's slot in the console listener
  boost::asio::steady_timer sign_in_deadline_;  // a console that never signs in is closed
  TokenBucket bucket_;
  std::optional<ConsoleStaff> staff_;
  std::string address_;
  bool queue_refresh_pending_ = false;
  Millis typing_relayed_at_ = 0;
};

}  // namespace rc
