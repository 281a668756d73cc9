// One staff console connection (WebSocket /v1/staff on the console listener, docs/protocol.md
// "Staff console"). The first message must be {"type":"auth","token":...}; after that the
// member of staff sees the handoff queue of their hub (admin: every queue), accepts one, chats
// with the practitioner and ends it with a wrap-up note. Every read of a conversation is audited.
#pragma once
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "handoff/handoff_hub.hpp"
#include "handoff/handoff_service.hpp"
#include "server_context.hpp"
#include "token_bucket.hpp"

namespace rc {

class StaffConsoleSession : public std::enable_shared_from_this<StaffConsoleSession>, public ConsoleLink {
 public:
  StaffConsoleSession(boost::asio::ip::tcp::socket&& socket, ServerContext& ctx);
  ~StaffConsoleSession();
  void run(boost::beast::http::request<boost::beast::http::string_body> upgrade);

  std::string scope() const override { return staff_ ? staff_->scope : "-"; }  // "-" sees nothing before sign-in
  std::string staff_id() const override { return staff_ ? staff_->id : std::string(); }
  void console_event(nlohmann::json event) override;

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(const nlohmann::json& msg, const std::optional<std::string>& ref);
  void authenticate(const std::string& token, const std::optional<std::string>& ref);
  void send_queue(const std::optional<std::string>& ref);
  // Runs a handoff operation; replies with `type` and the result, or the error.
  void answer(const std::optional<std::string>& ref, const std::string& type, handoff::ControlOutcome outcome, nlohmann::json body);
  void send(nlohmann::json msg, const std::optional<std::string>& ref = std::nullopt);
  void error(const std::string& code, const std::string& message, const std::optional<std::string>& ref);
  void do_write();
  void close(boost::beast::websocket::close_code code, const std::string& reason);
  void send_close();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  ServerContext& ctx_;
  TokenBucket bucket_;
  std::optional<ConsoleStaff> staff_;
  std::string address_;
  std::deque<std::string> outbox_;
  bool closing_ = false;
  std::optional<boost::beast::websocket::close_reason> close_reason_;
  bool queue_refresh_pending_ = false;
};

}  // namespace rc
