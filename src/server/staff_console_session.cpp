// See staff_console_session.hpp.
#include "staff_console_session.hpp"

#include <spdlog/spdlog.h>

#include "protocol/protocol.hpp"
#include "staff/staff_accounts.hpp"
#include "store/group_commit_writer.hpp"

namespace rc {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
namespace http = beast::http;
using json = nlohmann::json;

namespace {

std::optional<std::string> text_of(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

StaffConsoleSession::StaffConsoleSession(net::ip::tcp::socket&& socket, ServerContext& ctx)
    : ws_(std::move(socket)), ctx_(ctx), bucket_(ctx.config.limits.max_messages_per_second, ctx.config.limits.burst_messages) {
  beast::error_code ec;
  auto ep = ws_.next_layer().socket().remote_endpoint(ec);
  address_ = ec ? "unknown" : ep.address().to_string();
}

StaffConsoleSession::~StaffConsoleSession() {
  if (ctx_.handoffs) ctx_.handoffs->hub().remove_console(this);
}

void StaffConsoleSession::run(http::request<http::string_body> upgrade) {
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(ctx_.config.limits.max_frame_bytes);
  ws_.async_accept(upgrade, beast::bind_front_handler(&StaffConsoleSession::on_accept, shared_from_this()));
}

void StaffConsoleSession::on_accept(beast::error_code ec) {
  if (ec) return;
  ws_.text(true);
  do_read();
}

void StaffConsoleSession::do_read() {
  if (closing_) return;
  buffer_.clear();
  ws_.async_read(buffer_, beast::bind_front_handler(&StaffConsoleSession::on_read, shared_from_this()));
}

void StaffConsoleSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    closing_ = true;
    if (ctx_.handoffs) ctx_.handoffs->hub().remove_console(this);
    return;
  }
  if (!bucket_.take()) {
    error("rate_limited", "Too many messages: please slow down.", std::nullopt);
    return do_read();
  }
  json msg = json::parse(beast::buffers_to_string(buffer_.data()), nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) {
    error("bad_json", "That message was not a JSON object.", std::nullopt);
    return do_read();
  }
  std::optional<std::string> ref = text_of(msg, "ref");
  if (ref && ref->size() > 128) ref.reset();
  handle(msg, ref);
  do_read();  // operations answer asynchronously, tagged with their ref
}

void StaffConsoleSession::handle(const json& msg, const std::optional<std::string>& ref) {
  const auto type = text_of(msg, "type").value_or("");
  if (!ctx_.handoffs) return error("handoff_unavailable", "Handoff is not running on this server.", ref);
  if (type == "auth") {
    auto token = text_of(msg, "token");
    if (!token) return error("bad_message", "\"auth\" needs a \"token\".", ref);
    return authenticate(*token, ref);
  }
  if (!staff_) return error("not_signed_in", "Sign in first: send {\"type\":\"auth\",\"token\":...}.", ref);
  const auto reference = text_of(msg, "reference").value_or("");
  auto self = shared_from_this();
  auto reply_as = [self, ref](const std::string& reply_type) {
    return [self, ref, reply_type](handoff::ControlOutcome o, json body) {
      net::post(self->ws_.get_executor(), [self, ref, reply_type, o = std::move(o), body = std::move(body)]() mutable {
        self->answer(ref, reply_type, std::move(o), std::move(body));
      });
    };
  };
  if (type == "queue") return send_queue(ref);
  if (type != "accept" && type != "open" && type != "message" && type != "end")
    return error("unknown_type", "Unknown message type \"" + type.substr(0, 40) + "\" (expected auth, queue, accept, open, message, end).", ref);
  if (reference.empty() || reference.size() > 64) return error("bad_message", "\"" + type + "\" needs the handoff's \"reference\".", ref);
  if (type == "accept") return ctx_.handoffs->console_accept(reference, *staff_, reply_as("accepted"));
  if (type == "open") return ctx_.handoffs->console_open(reference, *staff_, reply_as("opened"));
  const auto text = text_of(msg, type == "message" ? "text" : "note").value_or("");
  if (type == "message") {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return error("bad_message", "\"message\" needs some \"text\".", ref);
    return ctx_.handoffs->console_message(reference, *staff_, text, reply_as("sent"));
  }
  ctx_.handoffs->console_end(reference, *staff_, text, reply_as("ended"));
}

void StaffConsoleSession::authenticate(const std::string& token, const std::optional<std::string>& ref) {
  if (!ctx_.writer) return error("server_busy", "Sign-in is not available.", ref);
  auto self = shared_from_this();
  auto found = std::make_shared<std::optional<staff::StaffMember>>();
  const Millis now = ctx_.now();
  ctx_.writer->submit([found, token, now](store::SqliteDb& db) { *found = staff::authenticate(db, token, now); },
                      [self, found, ref](bool ok, const std::string&) {
                        net::post(self->ws_.get_executor(), [self, found, ref, ok] {
                          if (!ok) return self->error("server_busy", "The database is not available just now.", ref);
                          // The same answer for every bad token; after it the connection closes.
                          if (!*found) {
                            self->error("bad_token", "That token is not valid (unknown, expired or disabled).", ref);
                            return self->close(websocket::close_code::policy_error, "bad token");
                          }
                          const auto& m = **found;
                          self->staff_ = ConsoleStaff{m.id, m.display_name, m.area(), self->address_};
                          self->ctx_.handoffs->hub().add_console(self);
                          self->send({{"type", "ready"}, {"staff", {{"id", m.id}, {"name", m.display_name}, {"role", m.role}}}}, ref);
                          self->send_queue(std::nullopt);
                        });
                      });
}

void StaffConsoleSession::send_queue(const std::optional<std::string>& ref) {
  auto self = shared_from_this();
  ctx_.handoffs->console_queue(*staff_, [self, ref](handoff::ControlOutcome o, json items) {
    net::post(self->ws_.get_executor(), [self, ref, o, items = std::move(items)]() mutable {
      self->queue_refresh_pending_ = false;
      if (!o.ok) return self->error(o.code, o.message, ref);
      self->send({{"type", "queue"}, {"items", std::move(items)}}, ref);
    });
  });
}

void StaffConsoleSession::console_event(json event) {
  net::post(ws_.get_executor(), [self = shared_from_this(), event = std::move(event)]() mutable {
    if (self->closing_ || !self->staff_) return;
    const bool queue_changed = event.value("type", "") == "queue_changed";
    self->send(std::move(event));
    // Coalesce bursts: one fresh queue per burst of changes.
    if (queue_changed && !self->queue_refresh_pending_) {
      self->queue_refresh_pending_ = true;
      self->send_queue(std::nullopt);
    }
  });
}

void StaffConsoleSession::answer(const std::optional<std::string>& ref, const std::string& type, handoff::ControlOutcome o, json body) {
  if (!o.ok) return error(o.code, o.message, ref);
  json msg = body.is_object() ? std::move(body) : json::object();
  msg["type"] = type;
  send(std::move(msg), ref);
}

void StaffConsoleSession::error(const std::string& code, const std::string& message, const std::optional<std::string>& ref) {
  send(protocol::error_json(code, message), ref);
}

void StaffConsoleSession::send(json msg, const std::optional<std::string>& ref) {
  if (closing_) return;
  outbox_.push_back(protocol::serialise(std::move(msg), ref));
  if (outbox_.size() > ctx_.config.limits.max_queued_messages) return close(websocket::close_code::policy_error, "not reading");
  if (outbox_.size() == 1) do_write();
}

void StaffConsoleSession::do_write() {
  ws_.async_write(net::buffer(outbox_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      self->closing_ = true;
      self->outbox_.clear();
      return;
    }
    self->outbox_.pop_front();
    if (!self->outbox_.empty()) return self->do_write();
    if (self->close_reason_) self->send_close();
  });
}

// Stops taking messages; what is queued (often the error that explains it) goes out first.
void StaffConsoleSession::close(websocket::close_code code, const std::string& reason) {
  if (closing_) return;
  closing_ = true;
  if (ctx_.handoffs) ctx_.handoffs->hub().remove_console(this);
  close_reason_ = websocket::close_reason(code, reason);
  if (outbox_.empty()) send_close();
}

void StaffConsoleSession::send_close() {
  auto reason = *close_reason_;
  close_reason_.reset();
  if (ws_.is_open()) ws_.async_close(reason, [self = shared_from_this()](beast::error_code) {});
}

}  // namespace rc
