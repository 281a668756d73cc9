// See staff_console_session.hpp.
#include "staff_console_session.hpp"

#include <spdlog/spdlog.h>

#include "core/json_text.hpp"
#include "protocol/protocol.hpp"
#include "staff/staff_account_store.hpp"
#include "store/group_commit_writer.hpp"

namespace rc {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using json = nlohmann::json;

namespace {

std::optional<std::string> text_of(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

StaffConsoleSession::StaffConsoleSession(net::ip::tcp::socket&& socket, ServerContext& ctx, std::shared_ptr<void> admission)
    : socket_(std::move(socket), ctx.config.limits.max_frame_bytes, ctx.config.limits.max_queued_messages,
              std::chrono::seconds(ctx.config.limits.write_timeout_seconds), std::chrono::seconds(ctx.config.limits.ping_after_seconds)),
      ctx_(ctx),
      admission_(std::move(admission)),
      sign_in_deadline_(socket_.get_executor()),
      bucket_(ctx.config.limits.max_messages_per_second, ctx.config.limits.burst_messages),
      address_(socket_.remote_address()) {}

StaffConsoleSession::~StaffConsoleSession() {
  ctx_.handoffs.hub().remove_console(this);
}

void StaffConsoleSession::run(JsonSocket::Upgrade upgrade) {
  socket_.accept(weak_from_this(), std::move(upgrade), [this] {
    sign_in_deadline_.expires_after(kSignInDeadline);
    sign_in_deadline_.async_wait([weak = weak_from_this()](boost::beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->staff_) return;
      self->error("not_signed_in", "Sign in within 10 seconds of connecting.", std::nullopt);
      self->close(websocket::close_code::policy_error, "no sign-in");
    });
    read_next();
  });
}

void StaffConsoleSession::read_next() {
  socket_.read([this](std::string text, bool, std::size_t) { on_message(text); }, [this] { on_gone(); });
}

void StaffConsoleSession::on_gone() {
  sign_in_deadline_.cancel();
  ctx_.handoffs.hub().remove_console(this);
}

void StaffConsoleSession::on_message(const std::string& text) {
  if (!bucket_.take()) {
    error("rate_limited", "Too many messages: please slow down.", std::nullopt);
    return read_next();
  }
  json msg = json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) {
    error("bad_json", "That message was not a JSON object.", std::nullopt);
    return read_next();
  }
  std::optional<std::string> ref = text_of(msg, "ref");
  if (ref && ref->size() > 128) ref.reset();
  if (has_nul_escape(text)) {
    error("bad_message", "Text may not contain the NUL character (\\u0000).", ref);
    return read_next();
  }
  handle(msg, ref);
  read_next();  // operations answer asynchronously, tagged with their ref
}

void StaffConsoleSession::handle(const json& msg, const std::optional<std::string>& ref) {
  const auto type = text_of(msg, "type").value_or("");
  if (type == "auth") {
    auto token = text_of(msg, "token");
    if (!token) return error("bad_message", "\"auth\" needs a \"token\".", ref);
    return authenticate(*token, ref);
  }
  if (!staff_) return error("not_signed_in", "Sign in first: send {\"type\":\"auth\",\"token\":...}.", ref);
  const auto reference = text_of(msg, "reference").value_or("");
  auto reply_as = [this, ref](const std::string& reply_type) {
    return socket_.on_strand([this, ref, reply_type](handoff::ControlOutcome o, json body) { answer(ref, reply_type, std::move(o), std::move(body)); });
  };
  if (type == "queue") return send_queue(ref);
  if (type != "accept" && type != "open" && type != "message" && type != "end" && type != "typing")
    return error("unknown_type", "Unknown message type \"" + type.substr(0, 40) + "\" (expected auth, queue, accept, open, message, typing, end).", ref);
  if (reference.empty() || reference.size() > 64) return error("bad_message", "\"" + type + "\" needs the handoff's \"reference\".", ref);
  if (type == "typing") return relay_typing(reference);
  if (type == "accept") return ctx_.handoffs.console_accept(reference, *staff_, reply_as("accepted"));
  if (type == "open") return ctx_.handoffs.console_open(reference, *staff_, reply_as("opened"));
  const auto text = text_of(msg, type == "message" ? "text" : "note").value_or("");
  if (type == "message") {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return error("bad_message", "\"message\" needs some \"text\".", ref);
    return ctx_.handoffs.console_message(reference, *staff_, text, reply_as("sent"));
  }
  ctx_.handoffs.console_end(reference, *staff_, text, reply_as("ended"));
}

void StaffConsoleSession::authenticate(const std::string& token, const std::optional<std::string>& ref) {
  if (ctx_.sign_ins.blocked(address_, ctx_.now())) {
    error("too_many_attempts", "Too many failed sign-ins from this address: wait a minute.", ref);
    return close(websocket::close_code::policy_error, "too many failed sign-ins");
  }
  auto found = std::make_shared<std::optional<staff::StaffMember>>();
  ctx_.writer.submit([found, token, now = ctx_.now()](store::Db& db) { *found = staff::authenticate(db, token, now); },
                      socket_.on_strand([this, found, ref](store::WriteResult checked) {
                        if (!checked.ok()) return error("server_busy", "The database is not available just now.", ref);
                        // The same answer for every bad token; after it the connection closes.
                        if (!*found) {
                          note_failed_sign_in(ctx_, address_, "console");
                          error("bad_token", "That token is not valid (unknown, expired or disabled).", ref);
                          return close(websocket::close_code::policy_error, "bad token");
                        }
                        const auto& m = **found;
                        staff_ = ConsoleStaff{m.id, m.display_name, m.area(), address_};
                        ctx_.handoffs.hub().add_console(shared_from_this());
                        send({{"type", "ready"},
                              {"staff", {{"id", m.id}, {"name", m.display_name}, {"role", m.role}}},
                              {"canned_replies", protocol::canned_replies_json(ctx_.guidance.current()->content)}},
                             ref);
                        send_queue(std::nullopt);
                      }));
}

// Never answered and never logged; at most one relayed per kTypingEvery, the rest dropped.
void StaffConsoleSession::relay_typing(const std::string& reference) {
  const Millis now = ctx_.now();
  if (now - typing_relayed_at_ < kTypingEvery) return;
  typing_relayed_at_ = now;
  ctx_.handoffs.console_typing(reference, *staff_);
}

void StaffConsoleSession::send_queue(const std::optional<std::string>& ref) {
  ctx_.handoffs.expire_stale();  // the writer runs it first: the queue below never shows a lapsed request
  ctx_.handoffs.console_queue(*staff_, socket_.on_strand([this, ref](handoff::ControlOutcome o, json items) {
    queue_refresh_pending_ = false;
    if (!o.ok) return error(o.code, o.message, ref);
    send({{"type", "queue"}, {"items", std::move(items)}}, ref);
  }));
}

void StaffConsoleSession::console_event(json event) {
  net::post(socket_.get_executor(), [self = shared_from_this(), event = std::move(event)]() mutable {
    if (self->socket_.closing() || !self->staff_) return;
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

void StaffConsoleSession::send(json msg, const std::optional<std::string>& ref) { socket_.send(protocol::serialise(std::move(msg), ref)); }

void StaffConsoleSession::close(websocket::close_code code, const std::string& reason) {
  ctx_.handoffs.hub().remove_console(this);
  socket_.close(code, reason);
}

}  // namespace rc
