// See chat_session.hpp.
#include "chat_session.hpp"

#include <spdlog/spdlog.h>

#include "core/redaction.hpp"
#include "handoff/handoff_service.hpp"
#include "core/sha256.hpp"
#include "core/state_json.hpp"
#include "store/ids.hpp"
#include "store/safety_alert_rows.hpp"

namespace rc {

namespace http = beast::http;
using json = nlohmann::json;

namespace {

const char* status_of(const State& s) { return s.finished ? "completed" : "active"; }

}  // namespace

ChatSession::ChatSession(tcp::socket&& socket, ServerContext& ctx)
    : ws_(std::move(socket)),
      ctx_(ctx),
      idle_timer_(ws_.get_executor()),
      handoff_timer_(ws_.get_executor()),
      bucket_(ctx.config.limits.max_messages_per_second, ctx.config.limits.burst_messages) {
  ctx_.open_chats++;
  ctx_.metrics.connections_total++;
}

ChatSession::~ChatSession() {
  ctx_.open_chats--;
  ctx_.sessions.remove(this);
  if (!followed_.empty() && ctx_.handoffs) ctx_.handoffs->hub().detach(followed_, this);
}

void ChatSession::run(http::request<http::string_body> upgrade) {
  ctx_.sessions.add(shared_from_this());
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));  // pings find dead peers
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) { res.set(http::field::server, "rightconv"); }));
  // Beast itself closes (1009) past four times the limit; between the two we answer too_large first.
  ws_.read_message_max(ctx_.config.limits.max_frame_bytes * 4);
  ws_.auto_fragment(false);
  ws_.async_accept(upgrade, beast::bind_front_handler(&ChatSession::on_accept, shared_from_this()));
}

void ChatSession::shutdown() {
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->close(websocket::close_code::going_away, "server shutting down"); });
}

void ChatSession::on_accept(beast::error_code ec) {
  if (ec) return;
  if (ctx_.stopping) return close(websocket::close_code::going_away, "server shutting down");
  ws_.text(true);
  arm_idle_timer();
  do_read();
}

void ChatSession::arm_idle_timer() {
  idle_timer_.expires_after(std::chrono::seconds(ctx_.config.limits.idle_timeout_seconds));
  idle_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    if (auto self = weak.lock()) self->close(websocket::close_code::going_away, "idle timeout");
  });
}

void ChatSession::do_read() {
  if (closing_) return;
  buffer_.clear();
  ws_.async_read(buffer_, beast::bind_front_handler(&ChatSession::on_read, shared_from_this()));
}

void ChatSession::on_read(beast::error_code ec, std::size_t bytes) {
  if (ec) {
    if (ec != websocket::error::closed && ec != net::error::operation_aborted) spdlog::debug("chat read ended: {}", ec.message());
    closing_ = true;
    idle_timer_.cancel();
    handoff_timer_.cancel();
    if (conv_ && conv_->handoff) follow(std::nullopt);  // staff see that the practitioner left
    return;
  }
  arm_idle_timer();
  read_at_ = std::chrono::steady_clock::now();
  const auto& limits = ctx_.config.limits;
  if (!ws_.got_text()) {
    reply_error("bad_message", "Binary frames are not accepted: send JSON text.", std::nullopt);
    return close(websocket::close_code::unknown_data, "binary frames are not accepted");
  }
  if (bytes > limits.max_frame_bytes) {
    reply_error("too_large", "That message is larger than " + std::to_string(limits.max_frame_bytes) + " bytes.", std::nullopt);
    return close(websocket::close_code::too_big, "message too large");
  }
  if (!bucket_.take()) {
    if (++rate_limited_ > limits.flood_close_after) return close(websocket::close_code::policy_error, "too many messages");
    reply_error("rate_limited", "Too many messages: please slow down.", std::nullopt);
    return do_read();
  }
  handle(beast::buffers_to_string(buffer_.data()));
}

void ChatSession::handle(const std::string& text) {
  auto parsed = protocol::parse_client_message(text);
  if (auto* e = std::get_if<protocol::Error>(&parsed)) {
    reply_error(e->code, e->message, e->ref);
    return do_read();
  }
  const auto& m = std::get<protocol::Message>(parsed);
  std::visit(
      [&](const auto& cmd) {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, protocol::StartMsg>) handle_start(m, cmd);
        else if constexpr (std::is_same_v<T, protocol::AnswerMsg>) {
          // Without a conversation there is nothing to answer: say so before doing any work on the text.
          if (cmd.option || !conv_) return handle_engine_input(m, ChooseInput{cmd.node, cmd.option.value_or("")}, cmd.node);
          // Safety check and matching see the typed text; only its redacted form is kept.
          const std::string redacted = redact(*cmd.text);
          protocol::Message logged = m;
          std::get<protocol::AnswerMsg>(logged.command).text = redacted;
          logged.text = protocol::canonical_text(logged);
          handle_engine_input(logged, TypeInput{cmd.node, *cmd.text, redacted}, cmd.node);
        } else if constexpr (std::is_same_v<T, protocol::BackMsg>) handle_engine_input(m, BackInput{}, conv_ ? conv_->state.current : "");
        else if constexpr (std::is_same_v<T, protocol::EndMsg>) handle_end(m);
        else if constexpr (std::is_same_v<T, protocol::HandoffMsg>) handle_handoff(m, cmd);
        else if constexpr (std::is_same_v<T, protocol::ChatMsg>) handle_chat_message(m, cmd);
        else if constexpr (std::is_same_v<T, protocol::UrgentMsg>) handle_engine_input(m, UrgentInput{}, conv_ ? conv_->state.current : "");
        else if constexpr (std::is_same_v<T, protocol::NoteMsg>) handle_note(m, cmd);
        else if constexpr (std::is_same_v<T, protocol::WrapUpMsg>) handle_wrap_up(m, cmd);
        else handle_resume(m, cmd);
      },
      m.command);
}

ChatSession::Reply ChatSession::render(const std::vector<Event>& events, const Conversation& c) const {
  Reply out;
  for (const auto& e : events) {
    out.push_back(protocol::to_json(e, c.channel != "web"));
    // The engine knows no ids or clocks: the summary gets the conversation id and the time the
    // state last moved (so a resumed outcome shows the same summary).
    if (std::holds_alternative<OutcomeEvent>(e))
      protocol::add_summary(out.back(), summarise(*c.dialog, ctx_.guidance.content, c.state, c.id, c.state.updated));
  }
  return out;
}

ChatSession::Frames ChatSession::frames_of(Reply&& messages, const std::optional<std::string>& ref) {
  Frames frames;
  frames.reserve(messages.size());
  for (auto& m : messages) frames.push_back(protocol::serialise(std::move(m), ref));
  return frames;
}

std::string ChatSession::log_of(const Frames& frames) {
  std::string out = "[";
  for (const auto& f : frames) {
    if (out.size() > 1) out += ',';
    out += f;
  }
  return out + "]";
}

void ChatSession::add_turns(store::Record& r, const Conversation& c, const std::string& node, const std::string& in, std::string out, Millis now) {
  r.turns.push_back({c.id, now, node, "in", in});
  r.turns.push_back({c.id, now, c.state.current, "out", std::move(out)});
}

store::ConversationUpdate ChatSession::update_for(const Conversation& c, Millis now) const {
  store::ConversationUpdate u;
  u.id = c.id;
  u.state = state_to_json(c.state).dump();
  u.status = status_of(c.state);
  u.updated_at = now;
  u.expected_revision = c.revision;
  if (c.state.finished) {
    const Node* n = c.dialog->find(c.state.current);
    u.outcome = n->outcome;
    u.outcome_node = n->id;
  }
  auto facts = facts_of(*c.dialog, c.state);
  if (auto it = facts.find("area"); it != facts.end()) u.area = it->second;
  return u;
}

void ChatSession::remember_typed_alerts(store::Record& r, Conversation& c, const std::vector<AlertEvent>& alerts, const char* source,
                                        Millis now) const {
  if (alerts.empty()) return;
  const std::vector<Event> events(alerts.begin(), alerts.end());
  for (auto& row : store::safety_alert_rows(c.id, c.state.current, source, events, now)) r.alerts.push_back(std::move(row));
  remember_alerts(c.state, c.state.current, alerts, now);
  r.updates.push_back(update_for(c, now));
  ++c.revision;
}

void ChatSession::handle_start(const protocol::Message& m, const protocol::StartMsg& start, std::optional<PhoneCall> call) {
  if (refuse_unwrapped_call(m.ref)) return;
  const Dialog* dialog = ctx_.guidance.find(start.dialog);
  if (!dialog) {
    reply_error("unknown_dialog", "There is no dialog called \"" + start.dialog.substr(0, 60) + "\".", m.ref);
    return do_read();
  }
  if (start.channel == "phone" && !call) return take_call(m, start);  // checks the staff token, then comes back here
  const Millis now = ctx_.now();
  Step step = advance(*dialog, ctx_.guidance.content, State{}, StartInput{}, now);
  Conversation c{new_conversation_id(now), dialog, std::move(step.state), start.channel, 0, std::nullopt, std::move(call)};
  const std::string token = random_token();

  store::Record r;
  std::function<void()> after = [] {};
  if (conv_) {  // a new start ends the one this connection had
    auto u = update_for(*conv_, now);
    if (!conv_->state.finished) u.status = "abandoned";
    u.ended_at = now;
    u.expected_revision.reset();  // ended whatever another tab did with it
    r.updates.push_back(std::move(u));
    after = cancel_into(r, now);
  }
  r.start = store::NewConversation{c.id, dialog->id, dialog->content_hash, c.channel, sha256_hex(token), state_to_json(c.state).dump(), now};
  if (c.call) r.call_taken = store::PhoneCallTaken{c.id, c.call->staff_id, now};
  Frames event_frames = frames_of(render(step.events, c), m.ref);
  add_turns(r, c, dialog->start, m.text, log_of(event_frames), now);  // the log never holds the token
  if (c.state.finished) {
    r.updates.push_back(update_for(c, now));
    ++c.revision;
  }

  json started{{"type", "started"}, {"conversation", c.id}, {"token", token}, {"dialog", dialog->id}, {"version", dialog->content_hash}};
  if (c.call) add_call_fields(started, *c.call);
  Frames out{protocol::serialise(std::move(started), m.ref)};
  for (auto& f : event_frames) out.push_back(std::move(f));
  commit(std::move(r), m.ref, [this, after, c = std::move(c), out = std::move(out)]() mutable {
    if (conv_ && conv_->handoff) follow(std::nullopt);
    conv_ = std::move(c);
    send_frames(std::move(out));
    after();
  });
}

void ChatSession::handle_engine_input(const protocol::Message& m, const Input& input, const std::string& node) {
  if (!conv_) {
    reply_error("no_conversation", "There is no conversation on this connection: send start or resume first.", m.ref);
    return do_read();
  }
  if (conv_->handoff && conv_->handoff->status == "accepted") {
    // The person leads now; the script would talk over them.
    reply_error("in_handoff", "You are talking with " + conv_->handoff->staff_name +
                                  " now. Send a message, or leave the conversation with them (handoff cancel) to carry on here.", m.ref);
    return do_read();
  }
  if (refuse_after_wrap_up(m.ref)) return;
  const Millis now = ctx_.now();
  Step step = advance(*conv_->dialog, ctx_.guidance.content, conv_->state, input, now);
  Conversation next{conv_->id, conv_->dialog, std::move(step.state), conv_->channel, conv_->revision, conv_->handoff, conv_->call};
  Frames out = frames_of(render(step.events, next), m.ref);
  store::Record r;
  add_turns(r, next, node, m.text, log_of(out), now);
  r.alerts = store::safety_alert_rows(next.id, node, "answer", step.events, now);
  r.updates.push_back(update_for(next, now));
  ++next.revision;
  commit(std::move(r), m.ref, [this, next = std::move(next), out = std::move(out)]() mutable {
    conv_ = std::move(next);
    send_frames(std::move(out));
  });
}

void ChatSession::handle_end(const protocol::Message& m) {
  if (!conv_) {
    reply_error("no_conversation", "There is no conversation on this connection to end.", m.ref);
    return do_read();
  }
  if (refuse_unwrapped_call(m.ref)) return;
  const Millis now = ctx_.now();
  store::Record r;
  auto u = update_for(*conv_, now);
  if (!conv_->state.finished) u.status = "abandoned";
  u.ended_at = now;
  const std::string status = u.status;
  r.updates.push_back(std::move(u));
  auto after = cancel_into(r, now);
  Frames out = frames_of(Reply{json{{"type", "ended"}, {"conversation", conv_->id}, {"status", status}}}, m.ref);
  add_turns(r, *conv_, conv_->state.current, m.text, log_of(out), now);
  commit(std::move(r), m.ref, [this, after, out = std::move(out)]() mutable {
    if (conv_->handoff) follow(std::nullopt);
    after();
    conv_.reset();
    send_frames(std::move(out));
  });
}

void ChatSession::handle_resume(const protocol::Message& m, const protocol::ResumeMsg& resume) {
  auto self = shared_from_this();
  ctx_.log.load(resume.conversation, [self, m, token = resume.token](std::optional<store::StoredConversation> found, bool ok, const std::string&) {
    if (found && !equal_in_constant_time(found->token_hash, sha256_hex(token))) found.reset();
    net::post(self->ws_.get_executor(), [self, m, found = std::move(found), ok]() mutable { self->on_resume_loaded(m, std::move(found), ok); });
  });
}

// Another connection moved this conversation on: load where it is now and show that.
void ChatSession::reload_after_conflict(const std::optional<std::string>& ref) {
  auto self = shared_from_this();
  protocol::Message m{protocol::EndMsg{}, ref, {}};
  ctx_.log.load(conv_->id, [self, m](std::optional<store::StoredConversation> found, bool ok, const std::string&) {
    net::post(self->ws_.get_executor(), [self, m, found = std::move(found), ok]() mutable { self->on_resume_loaded(m, std::move(found), ok, true); });
  });
}

void ChatSession::on_resume_loaded(const protocol::Message& m, std::optional<store::StoredConversation> found, bool ok, bool after_conflict) {
  auto fail = [&](const char* code, const std::string& message) {
    reply_error(code, message, m.ref);
    do_read();
  };
  if (!ok) return fail("server_busy", "The conversation log is not available just now. Please try again in a moment.");
  // Unknown id and wrong token get the same answer, so ids cannot be probed.
  if (!found) return fail("bad_token", "That conversation cannot be resumed: the conversation or token is not recognised.");
  if (found->ended_at || found->status == "abandoned") return fail("no_conversation", "That conversation has ended. Please start a new one.");
  const Dialog* dialog = ctx_.guidance.find(found->dialog_id);
  if (!dialog || dialog->content_hash != found->dialog_version)
    return fail("dialog_changed", "The guidance has been updated since this conversation began. Please start again.");
  auto state = state_from_json(json::parse(found->state, nullptr, false));
  if (!state || !dialog->find(state->current)) return fail("dialog_changed", "This conversation cannot be resumed. Please start again.");
  conv_ = Conversation{found->id, dialog, std::move(state.value()), found->channel, found->revision, std::nullopt, std::nullopt};
  if (found->call) conv_->call = PhoneCall{found->call->staff_id, found->call->staff_name, found->call->wrapped_up};
  if (found->handoff && ctx_.handoffs) {
    const auto& h = *found->handoff;
    conv_->handoff = OpenHandoff{h.reference, h.status, h.route, ctx_.handoffs->queue_of(h.route), h.staff_name, h.urgent,
                                 h.unavailable_at.has_value(), h.deadline_at};
  }
  Reply out;
  if (after_conflict)
    out.push_back(protocol::error_json("conversation_moved",
                                       "This conversation was carried on in another tab or window, so that answer was not taken. Here is where it is now."));
  out.push_back(json{{"type", "resumed"}, {"conversation", conv_->id}, {"dialog", dialog->id}, {"version", dialog->content_hash}});
  if (conv_->call) add_call_fields(out.back(), *conv_->call);
  for (auto& e : render(current_view(*dialog, ctx_.guidance.content, conv_->state), *conv_)) out.push_back(std::move(e));
  if (conv_->handoff) {
    out.push_back(handoff_status_json(*conv_->handoff, found->handoff->messages));
    follow(conv_->handoff);
    arm_handoff_timer();
  }
  reply(std::move(out), m.ref);
  do_read();
}

void ChatSession::commit(store::Record record, std::optional<std::string> ref, std::function<void()> then) {
  auto self = shared_from_this();
  const auto submitted = std::chrono::steady_clock::now();
  ctx_.log.write(std::move(record), [self, submitted, ref = std::move(ref), then = std::move(then)](bool ok, const std::string& error) mutable {
    self->ctx_.metrics.db_write_latency.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - submitted).count());
    net::post(self->ws_.get_executor(), [self, ok, error, ref = std::move(ref), then = std::move(then)] {
      if (ok) {
        self->ctx_.metrics.turns++;
        then();
        self->ctx_.metrics.turn_latency.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - self->read_at_).count());
      } else if ((error == store::kConflict || error == store::kHandoffOpen || error == store::kHandoffStale || error == store::kAlreadyWrappedUp) &&
                 self->conv_) {
        return self->reload_after_conflict(ref);  // reads on when the reload is done
      } else {
        self->ctx_.metrics.write_failures++;
        self->reply_error("server_busy", "Your answer could not be saved just now, so it was not taken. Please try again in a moment.", ref);
      }
      self->do_read();
    });
  });
}

void ChatSession::commit_unprompted(store::Record record, std::function<void()> then) {
  auto self = shared_from_this();
  ctx_.log.write(std::move(record), [self, then = std::move(then)](bool ok, const std::string& error) mutable {
    net::post(self->ws_.get_executor(), [self, ok, error, then = std::move(then)] {
      if (ok) return then();
      if (!store::is_expected_refusal(error)) self->ctx_.metrics.write_failures++;
    });
  });
}

void ChatSession::reply(Reply&& messages, const std::optional<std::string>& ref) { send_frames(frames_of(std::move(messages), ref)); }

void ChatSession::send_frames(Frames&& frames) {
  for (auto& f : frames) send(std::move(f));
}

void ChatSession::reply_error(const std::string& code, const std::string& message, const std::optional<std::string>& ref) {
  send(protocol::serialise(protocol::error_json(code, message), ref));
}

void ChatSession::send(std::string frame) {
  if (closing_) return;
  outbox_.push_back(std::move(frame));
  if (outbox_.size() > ctx_.config.limits.max_queued_messages) {
    outbox_.erase(outbox_.begin() + 1, outbox_.end());  // the client is not reading: drop all but the one in flight
    return close(websocket::close_code::policy_error, "not reading replies");
  }
  if (outbox_.size() == 1) do_write();
}

void ChatSession::do_write() {
  ws_.async_write(net::buffer(outbox_.front()), beast::bind_front_handler(&ChatSession::on_write, shared_from_this()));
}

void ChatSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    closing_ = true;
    outbox_.clear();
    return;
  }
  outbox_.pop_front();
  if (!outbox_.empty()) return do_write();
  if (close_reason_) send_close();
}

// Stops reading and taking new messages; the replies already queued (often the error that
// explains the close) go out first, then the close frame.
void ChatSession::close(websocket::close_code code, const std::string& reason) {
  if (closing_) return;
  closing_ = true;
  idle_timer_.cancel();
  close_reason_ = websocket::close_reason(code, reason);
  if (outbox_.empty()) send_close();
}

void ChatSession::send_close() {
  if (!ws_.is_open()) return;
  auto reason = *close_reason_;
  close_reason_.reset();
  ws_.async_close(reason, [self = shared_from_this()](beast::error_code) {});
}

void SessionRegistry::add(const std::shared_ptr<ChatSession>& s) {
  std::lock_guard lock(mutex_);
  sessions_[s.get()] = s;
}

void SessionRegistry::remove(const ChatSession* s) {
  std::lock_guard lock(mutex_);
  sessions_.erase(s);
}

std::vector<std::shared_ptr<ChatSession>> SessionRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<ChatSession>> out;
  for (const auto& [k, w] : sessions_)
    if (auto s = w.lock()) out.push_back(std::move(s));
  return out;
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace rc
