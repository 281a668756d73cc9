// The chat session's side of a handoff (docs/protocol.md, "Talking to a person"): asking for
// a person, cancelling, live messages, the notices staff actions cause, and "unavailable"
// when no one accepts in time. Same rules as the rest of the session: commit, then reply.
#include <spdlog/spdlog.h>

#include "chat_session.hpp"
#include "core/redaction.hpp"
#include "handoff/handoff_service.hpp"

namespace rc {

using json = nlohmann::json;

json ChatSession::handoff_status_json(const OpenHandoff& h, const std::vector<std::string>& logged) const {
  json j = protocol::handoff_json(h.status, h.reference);
  if (h.status == "accepted") j["name"] = h.staff_name;
  if (h.status == "requested") j["wait_seconds"] = std::max<Millis>(0, (h.deadline - ctx_.now()) / 1000);
  // The live messages so far, so a reconnecting practitioner sees the whole exchange.
  json messages = json::array();
  for (const auto& turn : logged) {
    json frames = json::parse(turn, nullptr, false);
    if (!frames.is_array()) continue;
    for (auto& f : frames)
      if (f.is_object() && f.value("type", "") == "message") {
        f.erase("ref");
        messages.push_back(std::move(f));
      }
  }
  if (!messages.empty()) j["messages"] = std::move(messages);
  return j;
}

void ChatSession::follow(const std::optional<OpenHandoff>& h) {
  if (!ctx_.handoffs) return;
  auto& hub = ctx_.handoffs->hub();
  const std::string queue = h ? h->queue : (conv_ && conv_->handoff ? conv_->handoff->queue : "any");
  const std::string reference = h ? h->reference : (conv_ && conv_->handoff ? conv_->handoff->reference : "");
  if (!followed_.empty()) hub.detach(followed_, this);
  followed_.clear();
  if (h && conv_) {
    followed_ = conv_->id;
    hub.attach(followed_, shared_from_this());
  }
  if (!reference.empty()) hub.to_consoles(queue, {{"type", "presence"}, {"reference", reference}, {"online", h.has_value()}});
}

std::function<void()> ChatSession::cancel_into(store::Record& r, Millis now) {
  if (!conv_ || !conv_->handoff || !ctx_.handoffs) return [] {};
  const auto& h = *conv_->handoff;
  r.handoff_changes.push_back({h.reference, {"requested", "accepted"}, "cancelled", now, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                               "practitioner", std::nullopt});
  for (auto& o : ctx_.handoffs->events("cancelled", h.reference, conv_->id, h.route, h.queue, {{"by", "practitioner"}}, now)) r.outbox.push_back(std::move(o));
  return [handoffs = ctx_.handoffs, reference = h.reference, queue = h.queue] { handoffs->practitioner_changed(reference, queue, "cancelled"); };
}

void ChatSession::handle_handoff(const protocol::Message& m, const protocol::HandoffMsg& h) {
  if (!conv_) {
    reply_error("no_conversation", "There is no conversation on this connection: send start or resume first.", m.ref);
    return do_read();
  }
  if (!ctx_.handoffs) {
    reply_error("handoff_unavailable", "Talking to a person is not available on this server.", m.ref);
    return do_read();
  }
  if (h.cancel) return cancel_handoff(m);
  if (conv_->handoff) {  // asked again: the same handoff, never a second ticket
    reply(Reply{handoff_status_json(*conv_->handoff, {})}, m.ref);
    return do_read();
  }
  request_handoff(m, h.reason);
}

void ChatSession::request_handoff(const protocol::Message& m, const std::string& reason) {
  const Millis now = ctx_.now();
  const std::string redacted = redact(reason);
  auto plan = ctx_.handoffs->plan_request(*conv_->dialog, conv_->state, conv_->id, conv_->channel, redacted, reason, now);
  const auto alerts = safety_alerts(ctx_.guidance.content, reason);
  Reply out;
  for (const auto& a : alerts) out.push_back(protocol::to_json(Event{a}, with_say()));
  if (plan.unavailable_now) {
    out.push_back(protocol::handoff_unavailable_json(plan.reference, plan.contacts, plan.facts.urgent || (plan.route && plan.route->contacts_only)));
  } else {
    json j = protocol::handoff_json("requested", plan.reference);
    j["wait_seconds"] = ctx_.config.handoff.accept_timeout_seconds;
    out.push_back(std::move(j));
  }
  Frames frames = frames_of(std::move(out), m.ref);
  protocol::Message logged = m;
  std::get<protocol::HandoffMsg>(logged.command).reason = redacted;
  store::Record r;
  add_turns(r, *conv_, conv_->state.current, protocol::canonical_text(logged), log_of(frames), now);
  Conversation next = *conv_;
  remember_typed_alerts(r, next, alerts, "handoff_reason", now);
  r.open_handoff = plan.open;
  r.outbox = std::move(plan.outbox);
  OpenHandoff open{plan.reference, "requested", plan.open.route, plan.open.queue, "", plan.facts.urgent, false, plan.deadline};
  const bool waiting = !plan.unavailable_now;
  commit(std::move(r), m.ref, [this, open, waiting, next = std::move(next), frames = std::move(frames)]() mutable {
    conv_->state = std::move(next.state);
    conv_->revision = next.revision;
    send_frames(std::move(frames));
    if (!waiting) {
      ctx_.metrics.handoffs_unavailable++;
      return;
    }
    ctx_.metrics.handoffs_requested++;
    conv_->handoff = open;
    follow(open);
    arm_handoff_timer();
    ctx_.handoffs->practitioner_changed(open.reference, open.queue, "requested");
  });
}

void ChatSession::cancel_handoff(const protocol::Message& m) {
  if (!conv_->handoff) {
    reply_error("no_handoff", "There is no request for a person to cancel.", m.ref);
    return do_read();
  }
  const Millis now = ctx_.now();
  store::Record r;
  auto after = cancel_into(r, now);
  Reply out{protocol::handoff_json("cancelled", conv_->handoff->reference)};
  for (auto& e : render(current_view(*conv_->dialog, ctx_.guidance.content, conv_->state), *conv_)) out.push_back(std::move(e));
  Frames frames = frames_of(std::move(out), m.ref);
  add_turns(r, *conv_, conv_->state.current, m.text, log_of(frames), now);
  commit(std::move(r), m.ref, [this, after, frames = std::move(frames)]() mutable {
    handoff_timer_.cancel();
    follow(std::nullopt);
    conv_->handoff.reset();
    send_frames(std::move(frames));
    after();
  });
}

void ChatSession::handle_chat_message(const protocol::Message& m, const protocol::ChatMsg& msg) {
  if (!conv_) {
    reply_error("no_conversation", "There is no conversation on this connection: send start or resume first.", m.ref);
    return do_read();
  }
  if (!conv_->handoff) {
    reply_error("no_handoff", "There is no one to send this to: ask for a person first.", m.ref);
    return do_read();
  }
  const Millis now = ctx_.now();
  const std::string redacted = redact(msg.text);
  // The safety interrupt runs on everything typed, a person or not.
  const auto alerts = safety_alerts(ctx_.guidance.content, msg.text);
  Reply out{json{{"type", "message"}, {"from", "practitioner"}, {"text", redacted}}};
  for (const auto& a : alerts) out.push_back(protocol::to_json(Event{a}, with_say()));
  Frames frames = frames_of(std::move(out), m.ref);
  protocol::Message logged = m;
  std::get<protocol::ChatMsg>(logged.command).text = redacted;
  const auto& h = *conv_->handoff;
  store::Record r;
  add_turns(r, *conv_, conv_->state.current, protocol::canonical_text(logged), log_of(frames), now);
  Conversation next = *conv_;
  remember_typed_alerts(r, next, alerts, "message", now);
  r.outbox = ctx_.handoffs->events("message", h.reference, conv_->id, h.route, h.queue,
                                   {{"from", "practitioner"}, {"text", redacted}, {"safety_alert", !alerts.empty()}}, now);
  const bool alert = !alerts.empty();
  commit(std::move(r), m.ref, [this, redacted, alert, reference = h.reference, next = std::move(next), frames = std::move(frames)]() mutable {
    conv_->state = std::move(next.state);
    conv_->revision = next.revision;
    send_frames(std::move(frames));
    ctx_.handoffs->practitioner_message(reference, conv_->id, redacted, alert);
  });
}

void ChatSession::handoff_notice(HandoffNotice notice) {
  net::post(ws_.get_executor(), [self = shared_from_this(), notice = std::move(notice)] { self->on_handoff_notice(notice); });
}

void ChatSession::on_handoff_notice(const HandoffNotice& n) {
  if (!conv_ || !conv_->handoff || conv_->handoff->reference != n.reference) return;  // logged; shown on resume
  auto& h = *conv_->handoff;
  Frames frames = n.frames;
  switch (n.kind) {
    case HandoffNotice::Kind::accepted:
      h.status = "accepted";
      h.staff_name = n.staff_name;
      handoff_timer_.cancel();
      break;
    case HandoffNotice::Kind::unavailable:
      h.told_unavailable = true;
      handoff_timer_.cancel();
      break;
    case HandoffNotice::Kind::ended:
      handoff_timer_.cancel();
      follow(std::nullopt);
      conv_->handoff.reset();
      // Back to the script where they left it: carry on, or start again.
      for (auto& f : frames_of(render(current_view(*conv_->dialog, ctx_.guidance.content, conv_->state), *conv_), std::nullopt))
        frames.push_back(std::move(f));
      break;
    case HandoffNotice::Kind::staff_message:
      break;
  }
  send_frames(std::move(frames));
}

void ChatSession::arm_handoff_timer() {
  if (!conv_ || !conv_->handoff || conv_->handoff->status != "requested" || conv_->handoff->told_unavailable) return;
  const Millis left = std::max<Millis>(0, conv_->handoff->deadline - ctx_.now());
  handoff_timer_.expires_after(std::chrono::milliseconds(left));
  handoff_timer_.async_wait([weak = weak_from_this(), reference = conv_->handoff->reference](beast::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self || !self->conv_ || !self->conv_->handoff || self->conv_->handoff->reference != reference) return;
    self->tell_unavailable();
  });
}

// No one accepted in time: the practitioner gets the route's contacts now; the request stays
// open (its delivery keeps retrying, and someone may still accept it).
void ChatSession::tell_unavailable() {
  auto& h = *conv_->handoff;
  if (h.status != "requested" || h.told_unavailable || closing_) return;
  const Millis now = ctx_.now();
  Frames frames = frames_of(Reply{protocol::handoff_unavailable_json(h.reference, ctx_.handoffs->contacts_for(h.route), h.urgent)}, std::nullopt);
  store::Record r;
  r.turns.push_back({conv_->id, now, conv_->state.current, "out", log_of(frames)});
  r.handoff_changes.push_back({h.reference, {"requested"}, std::nullopt, now, now, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
  commit_unprompted(std::move(r), [this, reference = h.reference, frames = std::move(frames)]() mutable {
    if (!conv_ || !conv_->handoff || conv_->handoff->reference != reference) return;
    conv_->handoff->told_unavailable = true;
    ctx_.metrics.handoffs_unavailable++;
    send_frames(std::move(frames));
  });
}

}  // namespace rc
