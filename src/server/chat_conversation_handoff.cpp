// The conversation's side of a handoff (docs/protocol.md, "Talking to a person"): asking for
// a person, cancelling, live messages, the notices staff actions cause, and "unavailable"
// when no one accepts in time.
#include "chat_conversation.hpp"
#include "core/redaction.hpp"
#include "handoff/handoff_service.hpp"

namespace rc {

using json = nlohmann::json;

json ChatConversation::handoff_status_json(const OpenHandoff& h, const std::vector<store::StoredHandoff::LoggedFrames>& logged, Millis now) const {
  json j = protocol::handoff_json(std::string(to_string(h.status)), h.reference, h.since);
  if (h.status == store::HandoffState::accepted) j["name"] = h.staff_name;
  if (h.status == store::HandoffState::requested) j["wait_seconds"] = std::max<Millis>(0, (h.deadline - now) / 1000);
  // The live messages so far, so a reconnecting practitioner sees the whole exchange.
  json messages = json::array();
  for (const auto& turn : logged) {
    json frames = json::parse(turn.frames, nullptr, false);
    if (!frames.is_array()) continue;
    for (auto& f : frames)
      if (f.is_object() && f.value("type", "") == "message") {
        f.erase("ref");
        if (!f.contains("at")) f["at"] = utc_iso(turn.at);  // logged before frames had times: the turn's time is theirs
        messages.push_back(std::move(f));
      }
  }
  if (!messages.empty()) j["messages"] = std::move(messages);
  return j;
}

void ChatConversation::cancel_into(store::Record& r, Turn& t, Millis now) const {
  if (!conv_ || !conv_->handoff || !handoffs_) return;
  const auto& h = *conv_->handoff;
  r.handoff_changes.push_back({.reference = h.reference, .from = {store::HandoffState::requested, store::HandoffState::accepted}, .to = store::HandoffState::cancelled, .at = now, .ended_by = "practitioner"});
  for (auto& o : handoffs_->events("cancelled", h.reference, conv_->id, h.route, h.queue, {{"by", "practitioner"}}, now)) r.outbox.push_back(std::move(o));
  t.leave = HandoffPresence{h.reference, h.queue};
  t.stop_deadline = true;
  t.after = [handoffs = handoffs_, reference = h.reference, queue = h.queue] { handoffs->practitioner_changed(reference, queue, "cancelled"); };
}

Turn ChatConversation::handoff(const protocol::Message& m, const protocol::HandoffMsg& h, Millis now) {
  if (!conv_) return error(m, "no_conversation", "There is no conversation on this connection: send start or resume first.");
  if (!handoffs_) return error(m, "handoff_unavailable", "Talking to a person is not available on this server.");
  if (h.cancel) return cancel_handoff(m, now);
  if (conv_->handoff) {  // asked again: the same handoff, never a second ticket
    Turn t;
    t.ref = m.ref;
    t.frames = frames_of(Reply{handoff_status_json(*conv_->handoff, {}, now)}, m.ref);
    return t;
  }
  return request_handoff(m, h.reason, now);
}

Turn ChatConversation::request_handoff(const protocol::Message& m, const std::string& reason, Millis now) {
  const std::string redacted = redact(reason);
  auto plan = handoffs_->plan_request(*conv_->dialog, conv_->state, conv_->id, conv_->reference, conv_->channel, redacted, reason, now);
  const auto alerts = alerts_in(reason);
  Reply out;
  for (const auto& a : alerts) out.push_back(protocol::to_json(Event{a}, with_say()));
  if (plan.unavailable_now) {
    out.push_back(protocol::handoff_unavailable_json(plan.reference, plan.contacts, plan.facts.urgent || (plan.route && plan.route->contacts_only), now));
  } else {
    json j = protocol::handoff_json("requested", plan.reference, now);
    j["wait_seconds"] = (plan.deadline - now) / 1000;
    out.push_back(std::move(j));
  }
  protocol::Message logged = m;
  std::get<protocol::HandoffMsg>(logged.command).reason = redacted;
  Turn t = typed_turn(logged, frames_of(std::move(out), m.ref), alerts, "handoff_reason", now);
  t.record->open_handoff = plan.open;
  t.record->outbox = std::move(plan.outbox);
  if (plan.unavailable_now) {
    t.after = [this] { metrics_.handoffs_unavailable++; };
    return t;
  }
  OpenHandoff open{.reference = plan.reference, .route = plan.open.route, .queue = plan.open.queue, .since = now, .urgent = plan.facts.urgent,
                   .deadline = plan.deadline};
  t.on_commit = [this, moved_on = std::move(t.on_commit), open] {
    moved_on();
    conv_->handoff = open;
  };
  t.follow = true;
  t.after = [this, reference = open.reference, queue = open.queue] {
    metrics_.handoffs_requested++;
    handoffs_->practitioner_changed(reference, queue, "requested");
  };
  return t;
}

Turn ChatConversation::cancel_handoff(const protocol::Message& m, Millis now) {
  if (!conv_->handoff) return error(m, "no_handoff", "There is no request for a person to cancel.");
  Turn t;
  t.ref = m.ref;
  store::Record r;
  cancel_into(r, t, now);
  Reply out{protocol::handoff_json("cancelled", conv_->handoff->reference, now)};
  for (auto& e : current(*conv_)) out.push_back(std::move(e));
  t.frames = frames_of(std::move(out), m.ref);
  add_turns(r, *conv_, conv_->state.current, m.text, log_of(t.frames), now);
  t.record = std::move(r);
  t.on_commit = [this] { conv_->handoff.reset(); };
  return t;
}

Turn ChatConversation::chat_message(const protocol::Message& m, const protocol::ChatMsg& msg, Millis now) {
  if (!conv_) return error(m, "no_conversation", "There is no conversation on this connection: send start or resume first.");
  if (!conv_->handoff) return error(m, "no_handoff", "There is no one to send this to: ask for a person first.");
  const std::string redacted = redact(msg.text);
  // The safety interrupt runs on everything typed, a person or not.
  const auto alerts = alerts_in(msg.text);
  Reply out{protocol::practitioner_message_json(redacted, now)};
  for (const auto& a : alerts) out.push_back(protocol::to_json(Event{a}, with_say()));
  protocol::Message logged = m;
  std::get<protocol::ChatMsg>(logged.command).text = redacted;
  const auto& h = *conv_->handoff;
  Turn t = typed_turn(logged, frames_of(std::move(out), m.ref), alerts, "message", now);
  const bool alert = !alerts.empty();
  t.record->outbox = handoffs_->events("message", h.reference, conv_->id, h.route, h.queue, {{"from", "practitioner"}, {"text", redacted}, {"safety_alert", alert}}, now);
  t.after = [handoffs = handoffs_, reference = h.reference, id = conv_->id, redacted, alert, now] {
    handoffs->practitioner_message(reference, id, redacted, alert, now);
  };
  return t;
}

Turn ChatConversation::typing(Millis now) {
  Turn t;  // no reply, no record: a typing notice is never logged
  const OpenHandoff* h = handoff();
  if (!h || h->status != store::HandoffState::accepted || now - typing_relayed_at_ < kTypingEvery) return t;
  t.on_commit = [this, now] { typing_relayed_at_ = now; };
  t.after = [handoffs = handoffs_, reference = h->reference] { handoffs->practitioner_typing(reference); };
  return t;
}

Turn ChatConversation::on_handoff_notice(const HandoffNotice& n) {
  Turn t;
  t.prompted = false;
  if (!conv_ || !conv_->handoff || conv_->handoff->reference != n.reference) return t;  // logged; shown on resume
  t.frames = n.frames;
  t.stop_deadline = true;
  switch (n.kind) {
    case HandoffNotice::Kind::accepted:
      t.on_commit = [this, name = n.staff_name, at = n.at] {
        conv_->handoff->status = store::HandoffState::accepted;
        conv_->handoff->staff_name = name;
        conv_->handoff->since = at;
      };
      break;
    case HandoffNotice::Kind::unavailable:
      t.on_commit = [this] { conv_->handoff->told_unavailable = true; };
      break;
    case HandoffNotice::Kind::ended:
      t.leave = HandoffPresence{conv_->handoff->reference, conv_->handoff->queue};
      t.on_commit = [this] { conv_->handoff.reset(); };
      // Back to the script where they left it: carry on, or start again.
      for (auto& f : frames_of(current(*conv_), std::nullopt)) t.frames.push_back(std::move(f));
      break;
    case HandoffNotice::Kind::staff_message:
    case HandoffNotice::Kind::typing:
      t.stop_deadline = false;
      break;
  }
  return t;
}

// No one accepted in time: the practitioner gets the route's contacts now; the request stays
// open (its delivery keeps retrying, and someone may still accept it).
Turn ChatConversation::on_deadline(const std::string& reference, Millis now) {
  Turn t;
  t.prompted = false;
  const OpenHandoff* h = handoff();
  if (!h || h->reference != reference || h->status != store::HandoffState::requested || h->told_unavailable) return t;
  t.frames = frames_of(Reply{protocol::handoff_unavailable_json(h->reference, handoffs_->contacts_for(h->route), h->urgent, now)}, std::nullopt);
  store::Record r;
  r.turns.push_back({.conversation_id = conv_->id, .at = now, .node = conv_->state.current, .direction = "out", .message = log_of(t.frames)});
  r.handoff_changes.push_back({.reference = h->reference, .from = {store::HandoffState::requested}, .at = now, .unavailable_at = now});
  t.record = std::move(r);
  t.only_while = reference;
  t.on_commit = [this] {
    conv_->handoff->told_unavailable = true;
    metrics_.handoffs_unavailable++;
  };
  return t;
}

}  // namespace rc
