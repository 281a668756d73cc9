// The conversation's side of a phone call (docs/protocol.md, "Phone calls"): starting one
// once the staff token is checked, the worker's notes, the wrap-up, and the rules that keep
// an unwrapped call from being ended.
#include "call_wrap_up.hpp"
#include "chat_conversation.hpp"
#include "core/redaction.hpp"

namespace rc {

using json = nlohmann::json;

Turn ChatConversation::on_staff_checked(const Turn& asked, std::optional<PhoneCall> taker, bool ok, Millis now) {
  const protocol::Message& m = *asked.check_staff;
  if (!ok) return error(m, "server_busy", "Staff sign-in cannot be checked just now. Please try again in a moment.");
  // Unknown, expired and disabled tokens get the same answer.
  if (!taker) return error(m, "bad_token", "That staff token is not recognised or has expired. Sign in again.");
  if (const auto* resume = std::get_if<protocol::ResumeMsg>(&m.command)) {
    Turn t;
    t.ref = m.ref;
    t.load = Turn::Load{.conversation_id = resume->conversation, .staff_id = taker->staff_id};
    return t;
  }
  return this->start(m, std::get<protocol::StartMsg>(m.command), std::move(taker), now);
}

void ChatConversation::add_call_fields(json& j, const Conversation& c) const {
  const PhoneCall& call = *c.call;
  const Catalogue& content = c.guidance->content;
  j["staff"] = {{"id", call.staff_id}, {"name", call.staff_name}};
  j["wrapped_up"] = call.wrapped_up;
  j["wrap_up_codes"] = protocol::wrap_up_codes_json(content);
  j["caller_roles"] = protocol::caller_roles_json();
  // The 999 and Duty and Advice numbers, so Urgent shows them at once, even while the line to the server is down.
  j["urgent_contacts"] = protocol::contacts_json(contact_views(content, content.safety.contacts));
}

std::optional<Turn> ChatConversation::refuse_unwrapped_call(const protocol::Message& m) const {
  if (!conv_ || !conv_->call || conv_->call->wrapped_up) return std::nullopt;
  return error(m, "wrap_up_required", "Wrap up this call before ending it: confirm the outcome, choose a wrap-up code and write a note.");
}

std::optional<Turn> ChatConversation::refuse_after_wrap_up(const protocol::Message& m) const {
  if (!conv_ || !conv_->call || !conv_->call->wrapped_up) return std::nullopt;
  return error(m, "wrapped_up", "This call is wrapped up, so its answers are closed. End it, then start a new call.");
}

std::optional<Turn> ChatConversation::refuse_unless_call(const protocol::Message& m) const {
  if (!conv_) return error(m, "no_conversation", "There is no call on this connection: start one first.");
  if (!conv_->call) return error(m, "not_a_call", "Notes and wrap-up are for phone calls (start with channel phone and a staff token).");
  return std::nullopt;
}

Turn ChatConversation::note(const protocol::Message& m, const protocol::NoteMsg& note, Millis now) {
  if (auto refused = refuse_unless_call(m)) return std::move(*refused);
  const std::string redacted = redact(note.text);
  // Typed text anywhere goes through the safety interrupt: the worker may note what a caller said.
  const auto alerts = alerts_in(note.text);
  Reply out;
  for (const auto& a : alerts) out.push_back(protocol::to_json(Event{a}, true));
  out.push_back(json{{"type", "note"}, {"text", redacted}});
  protocol::Message logged = m;
  std::get<protocol::NoteMsg>(logged.command).text = redacted;
  return typed_turn(logged, frames_of(std::move(out), m.ref), alerts, "note", now);
}

Turn ChatConversation::wrap_up(const protocol::Message& m, const protocol::WrapUpMsg& w, Millis now) {
  if (auto refused = refuse_unless_call(m)) return std::move(*refused);
  if (conv_->call->wrapped_up) return error(m, "already_wrapped_up", "This call is already wrapped up.");
  if (auto problem = check_wrap_up(conv_->guidance->content, conv_->state, w)) return error(m, problem->code, problem->message);
  const std::string note = redact(w.note);
  std::optional<std::string> outcome;
  if (conv_->state.finished)
    if (const Node* n = conv_->dialog->find(conv_->state.current)) outcome = n->outcome;
  const auto alerts = alerts_in(w.note);
  Reply out;
  for (const auto& a : alerts) out.push_back(protocol::to_json(Event{a}, true));
  out.push_back(json{{"type", "wrapped_up"}, {"conversation", conv_->id}, {"code", w.code}, {"outcome", outcome ? json(*outcome) : json(nullptr)}, {"note", note},
                     {"caller_role", w.caller_role ? json(*w.caller_role) : json(nullptr)},
                     {"callback_promised", w.callback_promised ? json(*w.callback_promised) : json(nullptr)}});
  protocol::Message logged = m;
  std::get<protocol::WrapUpMsg>(logged.command).note = note;
  Turn t = typed_turn(logged, frames_of(std::move(out), m.ref), alerts, "wrap_up", now);
  t.record->call_wrap_up = store::PhoneCallWrapUp{.conversation_id = conv_->id, .code = w.code, .note = note, .outcome = outcome,
                                                  .outcome_confirmed = w.outcome_confirmed && outcome.has_value(), .at = now,
                                                  .caller_role = w.caller_role, .callback_promised = w.callback_promised};
  t.on_commit = [this, moved_on = std::move(t.on_commit)] {
    moved_on();
    conv_->call->wrapped_up = true;
  };
  return t;
}

}  // namespace rc
