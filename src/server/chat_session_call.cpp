// The chat session's side of a phone call (docs/protocol.md, "Phone calls"): the staff token
// that starts one, the worker's notes, the wrap-up, and the rules that keep an unwrapped call
// from being ended. Same rules as the rest of the session: commit, then reply.
#include "call_wrap_up.hpp"
#include "chat_session.hpp"
#include "core/redaction.hpp"
#include "staff/staff_accounts.hpp"
#include "store/group_commit_writer.hpp"

namespace rc {

using json = nlohmann::json;

// The token is checked on the writer thread (it owns the database); the answer comes back to
// this session's strand. The token itself goes no further: only the staff id is kept.
void ChatSession::take_call(const protocol::Message& m, const protocol::StartMsg& start) {
  if (!ctx_.writer) {
    reply_error("server_busy", "Staff sign-in cannot be checked on this server, so a phone call cannot start.", m.ref);
    return do_read();
  }
  auto taker = std::make_shared<std::optional<PhoneCall>>();
  const Millis now = ctx_.now();
  ctx_.writer->submit(
      [taker, token = start.staff_token.value_or(""), now](store::SqliteDb& db) {
        if (auto who = staff::authenticate(db, token, now)) *taker = PhoneCall{who->id, who->display_name, false};
      },
      [self = shared_from_this(), m, start, taker](bool ok, const std::string&) {
        net::post(self->ws_.get_executor(), [self, m, start, taker, ok] { self->on_staff_checked(m, start, *taker, ok); });
      });
}

void ChatSession::on_staff_checked(const protocol::Message& m, const protocol::StartMsg& start, std::optional<PhoneCall> taker, bool ok) {
  if (!ok) {
    reply_error("server_busy", "Staff sign-in cannot be checked just now. Please try again in a moment.", m.ref);
    return do_read();
  }
  if (!taker) {  // unknown, expired and disabled tokens get the same answer
    reply_error("bad_token", "That staff token is not recognised or has expired. Sign in again.", m.ref);
    return do_read();
  }
  handle_start(m, start, std::move(taker));
}

void ChatSession::add_call_fields(json& j, const PhoneCall& call) const {
  j["staff"] = {{"id", call.staff_id}, {"name", call.staff_name}};
  j["wrapped_up"] = call.wrapped_up;
  j["wrap_up_codes"] = protocol::wrap_up_codes_json(ctx_.guidance.content);
}

bool ChatSession::refuse_unwrapped_call(const std::optional<std::string>& ref) {
  if (!conv_ || !conv_->call || conv_->call->wrapped_up) return false;
  reply_error("wrap_up_required", "Wrap up this call before ending it: confirm the outcome, choose a wrap-up code and write a note.", ref);
  do_read();
  return true;
}

bool ChatSession::refuse_after_wrap_up(const std::optional<std::string>& ref) {
  if (!conv_ || !conv_->call || !conv_->call->wrapped_up) return false;
  reply_error("wrapped_up", "This call is wrapped up, so its answers are closed. End it, then start a new call.", ref);
  do_read();
  return true;
}

bool ChatSession::refuse_unless_call(const protocol::Message& m) {
  if (!conv_) {
    reply_error("no_conversation", "There is no call on this connection: start one first.", m.ref);
  } else if (!conv_->call) {
    reply_error("not_a_call", "Notes and wrap-up are for phone calls (start with channel phone and a staff token).", m.ref);
  } else {
    return false;
  }
  do_read();
  return true;
}

void ChatSession::handle_note(const protocol::Message& m, const protocol::NoteMsg& note) {
  if (refuse_unless_call(m)) return;
  const Millis now = ctx_.now();
  const std::string redacted = redact(note.text);
  // Typed text anywhere goes through the safety interrupt: the worker may note what a caller said.
  const auto alerts = safety_alerts(ctx_.guidance.content, note.text);
  Reply out;
  for (const auto& a : alerts) out.push_back(protocol::to_json(Event{a}, true));
  out.push_back(json{{"type", "note"}, {"text", redacted}});
  Frames frames = frames_of(std::move(out), m.ref);
  protocol::Message logged = m;
  std::get<protocol::NoteMsg>(logged.command).text = redacted;
  store::Record r;
  add_turns(r, *conv_, conv_->state.current, protocol::canonical_text(logged), log_of(frames), now);
  Conversation next = *conv_;
  remember_typed_alerts(r, next, alerts, "note", now);
  commit(std::move(r), m.ref, [this, next = std::move(next), frames = std::move(frames)]() mutable {
    conv_->state = std::move(next.state);
    conv_->revision = next.revision;
    send_frames(std::move(frames));
  });
}

void ChatSession::handle_wrap_up(const protocol::Message& m, const protocol::WrapUpMsg& w) {
  if (refuse_unless_call(m)) return;
  if (conv_->call->wrapped_up) {
    reply_error("already_wrapped_up", "This call is already wrapped up.", m.ref);
    return do_read();
  }
  if (auto problem = check_wrap_up(ctx_.guidance.content, conv_->state, w)) {
    reply_error(problem->code, problem->message, m.ref);
    return do_read();
  }
  const Millis now = ctx_.now();
  const std::string note = redact(w.note);
  std::optional<std::string> outcome;
  if (conv_->state.finished)
    if (const Node* n = conv_->dialog->find(conv_->state.current)) outcome = n->outcome;
  const auto alerts = safety_alerts(ctx_.guidance.content, w.note);
  Reply out;
  for (const auto& a : alerts) out.push_back(protocol::to_json(Event{a}, true));
  out.push_back(json{{"type", "wrapped_up"}, {"conversation", conv_->id}, {"code", w.code}, {"outcome", outcome ? json(*outcome) : json(nullptr)}, {"note", note}});
  Frames frames = frames_of(std::move(out), m.ref);
  protocol::Message logged = m;
  std::get<protocol::WrapUpMsg>(logged.command).note = note;
  store::Record r;
  r.call_wrap_up = store::PhoneCallWrapUp{conv_->id, w.code, note, outcome, w.outcome_confirmed && outcome.has_value(), now};
  add_turns(r, *conv_, conv_->state.current, protocol::canonical_text(logged), log_of(frames), now);
  Conversation next = *conv_;
  remember_typed_alerts(r, next, alerts, "wrap_up", now);
  commit(std::move(r), m.ref, [this, next = std::move(next), frames = std::move(frames)]() mutable {
    conv_->state = std::move(next.state);
    conv_->revision = next.revision;
    conv_->call->wrapped_up = true;
    send_frames(std::move(frames));
  });
}

}  // namespace rc
