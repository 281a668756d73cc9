// See chat_session.hpp.
#include "chat_session.hpp"

#include "handoff/handoff_service.hpp"
#include "staff/staff_account_store.hpp"
#include "store/group_commit_writer.hpp"

namespace rc {

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using Seconds = std::chrono::duration<double>;

ChatSession::ChatSession(net::ip::tcp::socket&& socket, ServerContext& ctx, std::shared_ptr<void> admission, std::shared_ptr<void> client_slot)
    // Beast itself closes (1009) past four times the limit; between the two we answer too_large first.
    : socket_(std::move(socket), ctx.config.limits.max_frame_bytes * 4, ctx.config.limits.max_queued_messages,
              std::chrono::seconds(ctx.config.limits.write_timeout_seconds), std::chrono::seconds(ctx.config.limits.ping_after_seconds)),
      ctx_(ctx),
      admission_(std::move(admission)),
      client_slot_(std::move(client_slot)),
      conversation_(ctx.guidance, ctx.frames, &ctx.handoffs, ctx.metrics, ctx.resume_window),
      bucket_(ctx.config.limits.max_messages_per_second, ctx.config.limits.burst_messages) {
  ctx_.open_chats++;
  ctx_.metrics.connections_total++;
}

ChatSession::~ChatSession() {
  ctx_.open_chats--;
  ctx_.sessions.remove(this);
  if (followed_) ctx_.handoffs.hub().detach(*followed_, this);
}

void ChatSession::run(JsonSocket::Upgrade upgrade) {
  ctx_.sessions.add(shared_from_this());
  socket_.accept(weak_from_this(), std::move(upgrade), [this] {
    if (ctx_.stopping) return close(websocket::close_code::going_away, "server shutting down");
    read_at_ = std::chrono::steady_clock::now();
    socket_.close_when_idle(std::chrono::seconds(ctx_.config.limits.idle_timeout_seconds));
    read_next();
  });
}

void ChatSession::shutdown() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->close(websocket::close_code::going_away, "server shutting down"); });
}

void ChatSession::close(websocket::close_code code, const std::string& reason) {
  socket_.close(code, reason);
}

void ChatSession::read_next() {
  socket_.read([this](std::string text, bool is_text, std::size_t bytes) { on_message(std::move(text), is_text, bytes); }, [this] { on_gone(); });
}

void ChatSession::on_gone() {
  stop_deadline();
  if (const OpenHandoff* h = conversation_.handoff()) leave({h->reference, h->queue});  // staff see that the practitioner left
}

void ChatSession::on_message(std::string text, bool is_text, std::size_t bytes) {
  read_at_ = std::chrono::steady_clock::now();  // for the turn's latency
  const auto& limits = ctx_.config.limits;
  if (!is_text) {
    reply_error("bad_message", "Binary frames are not accepted: send JSON text.");
    return close(websocket::close_code::unknown_data, "binary frames are not accepted");
  }
  if (bytes > limits.max_frame_bytes) {
    reply_error("too_large", "That message is larger than " + std::to_string(limits.max_frame_bytes) + " bytes.");
    return close(websocket::close_code::too_big, "message too large");
  }
  if (!bucket_.take()) {
    if (++rate_limited_ > limits.flood_close_after) return close(websocket::close_code::policy_error, "too many messages");
    reply_error("rate_limited", "Too many messages: please slow down.");
    return read_next();
  }
  auto parsed = protocol::parse_client_message(text);
  if (auto* e = std::get_if<protocol::Error>(&parsed)) {
    socket_.send(protocol::serialise(protocol::error_json(e->code, e->message), e->ref));
    return read_next();
  }
  carry_out(conversation_.on_message(std::get<protocol::Message>(parsed), ctx_.now()));
}

void ChatSession::reply_error(const std::string& code, const std::string& message) {
  socket_.send(protocol::serialise(protocol::error_json(code, message), std::nullopt));
}

void ChatSession::carry_out(Turn turn) {
  if (turn.load) return load(std::move(turn));
  if (turn.check_staff) return check_staff(std::move(turn));
  if (turn.record) return write(std::move(turn));
  finish(std::move(turn));
}

// Nothing of the turn happens until its record is durable; a failed write changes nothing.
void ChatSession::write(Turn turn) {
  auto record = std::move(*turn.record);
  turn.record.reset();
  const bool alerted = !record.alerts.empty();  // the safety detector raised an alert on this turn's words
  if (record.audit) record.audit->address = socket_.remote_address();
  auto asked = std::make_shared<Turn>(std::move(turn));
  const auto submitted = std::chrono::steady_clock::now();
  auto back = socket_.on_strand([this, asked, alerted](store::WriteResult result) {
    if (result.ok()) {
      if (asked->prompted) ctx_.metrics.turns++;
      if (alerted) ctx_.metrics.safety_alerts++;  // counted once durable (the alert-rate rules)
      finish(std::move(*asked));
      ctx_.metrics.turn_latency.observe(Seconds(std::chrono::steady_clock::now() - read_at_).count());
    } else if (asked->prompted) {
      carry_out(conversation_.on_write_failed(*asked, result));  // a reload, or server_busy; reads on after either
    } else if (!result.refused()) {
      ctx_.metrics.write_failures++;
    }
  });
  ctx_.log.write(std::move(record), [this, back = std::move(back), submitted](const store::WriteResult& result) mutable {
    ctx_.metrics.db_write_latency.observe(Seconds(std::chrono::steady_clock::now() - submitted).count());
    back(result);
  });
}

void ChatSession::load(Turn turn) {
  auto asked = std::make_shared<Turn>(std::move(turn));
  ctx_.log.load(asked->load->conversation_id,
                socket_.on_strand([this, asked](std::optional<store::StoredConversation> found, store::WriteResult loaded) {
                  carry_out(conversation_.on_loaded(*asked, std::move(found), loaded.ok(), ctx_.now()));
                }));
}

// The staff token is checked on the writer thread (it owns the database); only the staff id
// goes further.
void ChatSession::check_staff(Turn turn) {
  const std::string address = socket_.remote_address();
  if (ctx_.sign_ins.blocked(address, ctx_.now())) {
    socket_.send(protocol::serialise(protocol::error_json("too_many_attempts", "Too many failed sign-ins from this address: wait a minute."), turn.ref));
    return read_next();
  }
  auto asked = std::make_shared<Turn>(std::move(turn));
  auto taker = std::make_shared<std::optional<PhoneCall>>();
  ctx_.writer.submit(
      [taker, token = protocol::staff_token_of(*asked->check_staff), now = ctx_.now()](store::Db& db) {
        if (auto who = staff::authenticate(db, token, now)) *taker = PhoneCall{who->id, who->display_name, false};
      },
      socket_.on_strand([this, asked, taker, address](store::WriteResult checked) {
        if (checked.ok() && !*taker) note_failed_sign_in(ctx_, address, "phone_call");
        carry_out(conversation_.on_staff_checked(*asked, std::move(*taker), checked.ok(), ctx_.now()));
      }));
}

void ChatSession::finish(Turn turn) {
  conversation_.committed(turn);
  if (turn.leave) leave(*turn.leave);
  for (auto& f : turn.frames) socket_.send(std::move(f));
  if (turn.stop_deadline) stop_deadline();
  if (turn.follow) follow();
  if (turn.after) turn.after();
  if (turn.prompted) read_next();
}

// --- live notices of the open handoff (the hub routes them; the database is the truth) ---

void ChatSession::follow() {
  const OpenHandoff* h = conversation_.handoff();
  if (!h) return;
  auto& hub = ctx_.handoffs.hub();
  if (followed_) hub.detach(*followed_, this);
  followed_ = conversation_.id();
  hub.attach(*followed_, shared_from_this());
  hub.to_consoles(h->queue, {{"type", "presence"}, {"reference", h->reference}, {"online", true}});
  arm_deadline();
}

void ChatSession::leave(const HandoffPresence& left) {
  auto& hub = ctx_.handoffs.hub();
  if (followed_) hub.detach(*followed_, this);
  followed_.reset();
  hub.to_consoles(left.queue, {{"type", "presence"}, {"reference", left.reference}, {"online", false}});
}

void ChatSession::handoff_notice(HandoffNotice notice) {
  net::post(socket_.get_executor(), [self = shared_from_this(), notice = std::move(notice)] {
    self->carry_out(self->conversation_.on_handoff_notice(notice));
  });
}

void ChatSession::stop_deadline() {
  if (deadline_timer_) deadline_timer_->cancel();
}

void ChatSession::arm_deadline() {
  const auto deadline = conversation_.deadline();
  if (!deadline) return;
  if (!deadline_timer_) deadline_timer_ = std::make_unique<JsonSocket::Timer>(socket_.get_executor());
  deadline_timer_->expires_after(std::chrono::milliseconds(std::max<Millis>(0, *deadline - ctx_.now())));
  deadline_timer_->async_wait([weak = weak_from_this(), reference = conversation_.handoff()->reference](boost::beast::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self || self->socket_.closing()) return;
    self->carry_out(self->conversation_.on_deadline(reference, self->ctx_.now()));
  });
}

}  // namespace rc
