// See chat_conversation.hpp.
#include "chat_conversation.hpp"

#include <algorithm>

#include "core/redaction.hpp"
#include "core/sha256.hpp"
#include "core/state_json.hpp"
#include "handoff/handoff_service.hpp"
#include "store/ids.hpp"
#include "store/safety_alert_rows.hpp"

namespace rc {

using json = nlohmann::json;

namespace {

store::ConversationStatus status_of(const State& s) { return s.finished ? store::ConversationStatus::completed : store::ConversationStatus::active; }

}  // namespace

ChatConversation::ChatConversation(const GuidanceSource& guidance, protocol::FrameMemo& frames, HandoffService* handoffs, Metrics& metrics,
                                   Millis resume_window)
    : source_(guidance), frames_(frames), handoffs_(handoffs), metrics_(metrics), resume_window_(resume_window) {}

const std::string& ChatConversation::id() const {
  static const std::string none;
  return conv_ ? conv_->id : none;
}

std::optional<Millis> ChatConversation::deadline() const {
  const OpenHandoff* h = handoff();
  if (!h || h->status != store::HandoffState::requested || h->told_unavailable) return std::nullopt;
  return h->deadline;
}

Turn ChatConversation::on_message(const protocol::Message& m, Millis now) {
  if (conv_) follow_newer_content(*conv_);  // every kind of message sees a corrected number at once
  return std::visit(
      [&](const auto& cmd) -> Turn {
        using T = std::decay_t<decltype(cmd)>;
        const std::string here = conv_ ? conv_->state.current : "";
        if constexpr (std::is_same_v<T, protocol::StartMsg>) return start(m, cmd, std::nullopt, now);
        else if constexpr (std::is_same_v<T, protocol::AnswerMsg>) return answer(m, cmd, now);
        else if constexpr (std::is_same_v<T, protocol::BackMsg>) return engine_input(m, BackInput{}, here, now);
        else if constexpr (std::is_same_v<T, protocol::UrgentMsg>) return engine_input(m, UrgentInput{}, here, now);
        else if constexpr (std::is_same_v<T, protocol::EndMsg>) return end(m, now);
        else if constexpr (std::is_same_v<T, protocol::HandoffMsg>) return handoff(m, cmd, now);
        else if constexpr (std::is_same_v<T, protocol::ChatMsg>) return chat_message(m, cmd, now);
        else if constexpr (std::is_same_v<T, protocol::TypingMsg>) return typing(now);
        else if constexpr (std::is_same_v<T, protocol::NoteMsg>) return note(m, cmd, now);
        else if constexpr (std::is_same_v<T, protocol::WrapUpMsg>) return wrap_up(m, cmd, now);
        else if constexpr (std::is_same_v<T, protocol::AboutMsg>) return about(m, cmd, now);
        else return resume(m, cmd);
      },
      m.command);
}

Turn ChatConversation::error(const std::optional<std::string>& ref, const std::string& code, const std::string& message) {
  Turn t;
  t.ref = ref;
  t.frames.push_back(protocol::serialise(protocol::error_json(code, message), ref));
  return t;
}

json ChatConversation::render(const Event& event, const Conversation& c) const {
  json out = protocol::to_json(event, c.channel != "web");
  // The engine knows no ids or clocks: the summary gets the conversation's reference and the time the
  // state last moved (so a resumed outcome shows the same summary).
  if (std::holds_alternative<OutcomeEvent>(event))
    protocol::add_summary(out, summarise(*c.dialog, c.guidance->content, c.state, c.reference, c.state.updated));
  return out;
}

ChatConversation::Reply ChatConversation::render(const std::vector<Event>& events, const Conversation& c) const {
  Reply out;
  out.reserve(events.size());
  for (const auto& e : events) out.push_back(render(e, c));
  return out;
}

ChatConversation::Shown ChatConversation::frames_for(const std::vector<Event>& events, const Conversation& c, const std::optional<std::string>& ref) const {
  Shown shown;
  shown.frames.reserve(events.size());
  shown.logged = "[";
  for (const auto& e : events) {
    protocol::FrameMemo::SummaryFields summary;
    if (const auto* o = std::get_if<OutcomeEvent>(&e))
      summary = frames_.summary_fields(summarise(*c.dialog, c.guidance->content, c.state, *o, c.reference, c.state.updated));
    if (ref) {
      summary.sent.emplace_back("ref", protocol::json_string(*ref));
      summary.logged.push_back(summary.sent.back());
    }
    if (shown.logged.size() > 1) shown.logged += ',';
    if (auto filled = frames_.frame(c.guidance, c.dialog->id, e, c.channel != "web", summary.sent, &summary.logged)) {
      shown.frames.push_back(std::move(filled->frame));
      shown.logged += filled->logged;
      shown.templates.push_back(std::move(filled->logged_template));
      if (summary.shared) shown.templates.push_back(std::move(summary.shared));
    } else {
      shown.frames.push_back(protocol::serialise(render(e, c), ref));
      shown.logged += shown.frames.back();
    }
  }
  shown.logged += ']';
  return shown;
}

ChatConversation::Reply ChatConversation::current(const Conversation& c) const {
  return render(current_view(*c.dialog, c.guidance->content, c.state), c);
}

ChatConversation::Frames ChatConversation::frames_of(Reply&& messages, const std::optional<std::string>& ref) {
  Frames frames;
  frames.reserve(messages.size());
  for (auto& m : messages) frames.push_back(protocol::serialise(std::move(m), ref));
  return frames;
}

std::string ChatConversation::log_of(const Frames& frames) {
  std::size_t size = 2;
  for (const auto& f : frames) size += f.size() + 1;
  std::string out;
  out.reserve(size);  // one allocation: an outcome's frames are several kilobytes
  out += '[';
  for (const auto& f : frames) {
    if (out.size() > 1) out += ',';
    out += f;
  }
  out += ']';
  return out;
}

void ChatConversation::add_turns(store::Record& r, const Conversation& c, const std::string& node, const std::string& in, std::string out, Millis now) {
  r.turns.push_back({.conversation_id = c.id, .at = now, .node = node, .direction = "in", .message = in});
  r.turns.push_back({.conversation_id = c.id, .at = now, .node = c.state.current, .direction = "out", .message = std::move(out)});
}

void ChatConversation::add_turns(store::Record& r, const Conversation& c, const std::string& node, const std::string& in, Shown& shown, Millis now) {
  add_turns(r, c, node, in, std::move(shown.logged), now);
  for (auto& t : shown.templates)
    if (std::none_of(r.templates.begin(), r.templates.end(), [&](const auto& had) { return had->id == t->id; })) r.templates.push_back(std::move(t));
}

store::ConversationUpdate ChatConversation::update_for(const Conversation& c, Millis now) {
  store::ConversationUpdate u{.id = c.id, .state = state_text(c.state), .status = status_of(c.state), .updated_at = now,
                              .expected_revision = c.revision};
  // Given only when it differs from what the log holds (the column keeps its value otherwise).
  auto if_changed = [](const std::optional<std::string>& logged, const std::string& value) {
    return logged == value ? std::nullopt : std::optional<std::string>(value);
  };
  if (c.state.finished) {
    const Node* n = c.dialog->find(c.state.current);
    if (c.logged.outcome_node != n->id) {
      u.outcome = n->outcome;
      u.outcome_node = n->id;
    }
  }
  auto facts = facts_of(*c.dialog, c.state);
  if (auto it = facts.find("area"); it != facts.end()) u.area = if_changed(c.logged.area, it->second);
  if (c.about && !c.about->work_area.empty()) u.work_area = if_changed(c.logged.work_area, c.about->work_area);
  if (c.about && !c.about->agency.empty()) u.agency = if_changed(c.logged.agency, c.about->agency);
  return u;
}

void ChatConversation::note_logged(Conversation& c, const store::ConversationUpdate& u) {
  if (u.outcome_node) c.logged.outcome_node = u.outcome_node;
  if (u.area) c.logged.area = u.area;
  if (u.work_area) c.logged.work_area = u.work_area;
  if (u.agency) c.logged.agency = u.agency;
}

void ChatConversation::follow_newer_content(Conversation& c) const {
  const auto now = source_.current();
  if (now == c.guidance) return;
  const Dialog* same = now->find(c.dialog->id);
  if (!same || same->content_hash != c.dialog->content_hash) return;  // its dialog changed: it keeps the set it began on
  c.guidance = now;
  c.dialog = same;
}

std::vector<AlertEvent> ChatConversation::alerts_in(const std::string& text) const {
  auto alerts = safety_alerts(conv_ ? conv_->guidance->content : source_.current()->content, text);
  if (conv_ && conv_->dialog) add_earlier_answers(alerts, *conv_->dialog, conv_->state);
  return alerts;
}

void ChatConversation::remember_typed_alerts(store::Record& r, Conversation& c, const std::vector<AlertEvent>& alerts, const char* source, Millis now) {
  if (alerts.empty()) return;
  const std::vector<Event> events(alerts.begin(), alerts.end());
  for (auto& row : store::safety_alert_rows(c.id, c.state.current, source, events, now)) r.alerts.push_back(std::move(row));
  remember_alerts(c.state, c.state.current, alerts, now);
  r.updates.push_back(update_for(c, now));
  note_logged(c, r.updates.back());
  ++c.revision;
}

Turn ChatConversation::typed_turn(const protocol::Message& logged, Frames frames, const std::vector<AlertEvent>& alerts, const char* source, Millis now) {
  Turn t;
  t.ref = logged.ref;
  store::Record r;
  add_turns(r, *conv_, conv_->state.current, protocol::canonical_text(logged), log_of(frames), now);
  Conversation next = *conv_;
  remember_typed_alerts(r, next, alerts, source, now);
  t.record = std::move(r);
  t.frames = std::move(frames);
  // Only the state moves: a handoff notice may have changed the rest while this was written.
  t.on_commit = [this, state = std::move(next.state), revision = next.revision, logged = std::move(next.logged)]() mutable {
    conv_->state = std::move(state);
    conv_->revision = revision;
    conv_->logged = std::move(logged);
  };
  return t;
}

Turn ChatConversation::start(const protocol::Message& m, const protocol::StartMsg& start, std::optional<PhoneCall> call, Millis now) {
  if (auto refused = refuse_unwrapped_call(m)) return std::move(*refused);
  const auto guidance = source_.current();  // a new conversation runs on the newest guidance
  const Dialog* dialog = guidance->find(start.dialog);
  if (!dialog) return error(m, "unknown_dialog", "There is no dialog called \"" + start.dialog.substr(0, 60) + "\".");
  if (start.channel == "phone" && !call) {  // the staff token is checked first, then on_staff_checked comes back here
    Turn t;
    t.ref = m.ref;
    t.check_staff = m;
    return t;
  }
  Step step = advance(*dialog, guidance->content, State{}, StartInput{}, now);
  Conversation c{.id = new_conversation_id(now), .reference = new_conversation_reference(), .dialog = dialog, .guidance = guidance, .state = std::move(step.state),
                 .channel = start.channel, .call = call};
  const std::string token = random_token();

  Turn t;
  t.ref = m.ref;
  t.start_again = [this, m, start, call, now] { return this->start(m, start, call, now); };
  store::Record r;
  if (conv_) {  // a new start ends the one this connection had
    // Without a revision check this may overwrite another tab's turns: every column is named,
    // so the row's area and outcome are this state's, not what the other tab left.
    Conversation ending = *conv_;
    ending.logged = Logged::unknown();
    auto u = update_for(ending, now);
    if (!conv_->state.finished) u.status = store::ConversationStatus::abandoned;
    u.ended_at = now;
    u.expected_revision.reset();  // ended whatever another tab did with it
    r.updates.push_back(std::move(u));
    cancel_into(r, t, now);
  }
  r.start = store::NewConversation{.id = c.id, .dialog_id = dialog->id, .dialog_version = dialog->content_hash, .channel = c.channel,
                                   .token_hash = sha256_hex(token), .state = state_text(c.state), .started_at = now,
                                   .reference = c.reference};
  if (c.call) r.call_taken = store::PhoneCallTaken{.conversation_id = c.id, .staff_id = c.call->staff_id, .at = now};
  Shown shown = frames_for(step.events, c, m.ref);
  add_turns(r, c, dialog->start, m.text, shown, now);  // the log never holds the token
  if (c.state.finished) {
    r.updates.push_back(update_for(c, now));
    note_logged(c, r.updates.back());
    ++c.revision;
  }
  const protocol::StartedFields started{c.id, c.reference, token, dialog->id, dialog->content_hash};
  if (c.call) {
    json with_call = protocol::started_json(started);
    add_call_fields(with_call, c);
    t.frames.push_back(protocol::serialise(std::move(with_call), m.ref));
  } else {
    t.frames.push_back(protocol::started_text(started, m.ref));
  }
  for (auto& f : shown.frames) t.frames.push_back(std::move(f));
  t.record = std::move(r);
  t.on_commit = [this, c = std::move(c)]() mutable { conv_ = std::move(c); };
  return t;
}

Turn ChatConversation::answer(const protocol::Message& m, const protocol::AnswerMsg& a, Millis now) {
  // Without a conversation there is nothing to answer: say so before doing any work on the text.
  if (a.option || !conv_) return engine_input(m, ChooseInput{a.node, a.option.value_or("")}, a.node, now);
  // Safety check and matching see the typed text; only its redacted form is kept.
  const std::string redacted = redact(*a.text);
  protocol::Message logged = m;
  std::get<protocol::AnswerMsg>(logged.command).text = redacted;
  logged.text = protocol::canonical_text(logged);
  return engine_input(logged, TypeInput{a.node, *a.text, redacted}, a.node, now);
}

Turn ChatConversation::engine_input(const protocol::Message& m, const Input& input, const std::string& node, Millis now) {
  if (!conv_) return error(m, "no_conversation", "There is no conversation on this connection: send start or resume first.");
  if (conv_->handoff && conv_->handoff->status == store::HandoffState::accepted)  // the person leads now; the script would talk over them
    return error(m, "in_handoff", "You are talking with " + conv_->handoff->staff_name +
                                      " now. Send a message, or leave the conversation with them (handoff cancel) to carry on here.");
  if (auto refused = refuse_after_wrap_up(m)) return std::move(*refused);
  Step step = advance(*conv_->dialog, conv_->guidance->content, conv_->state, input, now);
  Conversation next = *conv_;
  next.state = std::move(step.state);
  Turn t;
  t.ref = m.ref;
  Shown shown = frames_for(step.events, next, m.ref);
  store::Record r;
  add_turns(r, next, node, m.text, shown, now);
  t.frames = std::move(shown.frames);
  r.alerts = store::safety_alert_rows(next.id, node, "answer", step.events, now);
  r.updates.push_back(update_for(next, now));
  note_logged(next, r.updates.back());
  t.record = std::move(r);
  t.on_commit = [this, state = std::move(next.state), revision = next.revision + 1, logged = std::move(next.logged)]() mutable {
    conv_->state = std::move(state);
    conv_->revision = revision;
    conv_->logged = std::move(logged);
  };
  return t;
}

Turn ChatConversation::end(const protocol::Message& m, Millis now) {
  if (!conv_) return error(m, "no_conversation", "There is no conversation on this connection to end.");
  if (auto refused = refuse_unwrapped_call(m)) return std::move(*refused);
  Turn t;
  t.ref = m.ref;
  store::Record r;
  auto u = update_for(*conv_, now);
  if (!conv_->state.finished) u.status = store::ConversationStatus::abandoned;
  u.ended_at = now;
  const std::string status(to_string(u.status));
  r.updates.push_back(std::move(u));
  cancel_into(r, t, now);
  t.frames = frames_of(Reply{json{{"type", "ended"}, {"conversation", conv_->id}, {"status", status}}}, m.ref);
  add_turns(r, *conv_, conv_->state.current, m.text, log_of(t.frames), now);
  t.record = std::move(r);
  t.on_commit = [this] { conv_.reset(); };
  return t;
}

Turn ChatConversation::resume(const protocol::Message& m, const protocol::ResumeMsg& resume) {
  Turn t;
  t.ref = m.ref;
  if (resume.staff_token) t.check_staff = m;  // then on_staff_checked loads it for the staff member
  else t.load = Turn::Load{.conversation_id = resume.conversation, .token = resume.token};
  return t;
}

Turn ChatConversation::on_write_failed(const Turn& turn, const store::WriteResult& result) {
  using store::WriteError;
  if (result.error == WriteError::reference_taken && turn.start_again) return turn.start_again();
  const bool moved_on = result.error == WriteError::conflict || result.error == WriteError::handoff_open ||
                        result.error == WriteError::handoff_stale || result.error == WriteError::already_wrapped_up;
  if (moved_on && conv_) {  // another connection moved this conversation on: load where it is now and show that
    Turn t;
    t.ref = turn.ref;
    t.load = Turn::Load{.conversation_id = conv_->id};
    return t;
  }
  metrics_.write_failures++;
  return error(turn.ref, "server_busy",
               "Your answer could not be saved just now, so it was not taken. Please try again in a moment.");
}

Turn ChatConversation::on_loaded(const Turn& asked, std::optional<store::StoredConversation> found, bool ok, Millis now) {
  const auto& ref = asked.ref;  // the message that asked
  const Turn::Load& load = *asked.load;
  if (!ok) return error(ref, "server_busy", "The conversation log is not available just now. Please try again in a moment.");
  if (found && load.token && !equal_in_constant_time(found->token_hash, sha256_hex(*load.token))) found.reset();
  // The token expires at resume time, not only when the purge clears it.
  if (found && load.token && now - found->started_at >= resume_window_) found.reset();
  if (found && load.staff_id && !(found->call && found->call->staff_id == *load.staff_id)) found.reset();
  // Unknown id, wrong token, expired token and another's call get the same answer, so ids cannot be probed.
  if (!found) return error(ref, "bad_token", "That conversation cannot be resumed: the conversation or token is not recognised, or it has expired.");
  if (found->ended_at || found->status == store::ConversationStatus::abandoned) return error(ref, "no_conversation", "That conversation has ended. Please start a new one.");
  const auto guidance = source_.holding(found->dialog_id, found->dialog_version);  // the version it began on
  const Dialog* dialog = guidance ? guidance->find(found->dialog_id) : nullptr;
  if (!dialog || dialog->content_hash != found->dialog_version)
    return error(ref, "dialog_changed", "The guidance has been updated since this conversation began. Please start again.");
  auto state = state_from_json(json::parse(found->state, nullptr, false));
  if (!state || !dialog->find(state->current)) return error(ref, "dialog_changed", "This conversation cannot be resumed. Please start again.");

  Turn t;
  t.ref = ref;
  if (const OpenHandoff* before = handoff(); before && before->reference != (found->handoff ? found->handoff->reference : ""))
    t.leave = HandoffPresence{before->reference, before->queue};
  Conversation c{.id = found->id, .reference = found->reference, .dialog = dialog, .guidance = guidance, .state = std::move(state.value()), .channel = found->channel,
                 .revision = found->revision};
  if (found->call) c.call = PhoneCall{found->call->staff_id, found->call->staff_name, found->call->wrapped_up};
  if (!found->work_area.empty() || !found->agency.empty()) c.about = protocol::AboutMsg{found->work_area, found->agency};
  c.logged = Logged::unknown();  // a load reads neither area nor outcome: the next turn names them
  c.logged.work_area = found->work_area;
  c.logged.agency = found->agency;
  if (found->handoff && handoffs_) {
    const auto& h = *found->handoff;
    c.handoff = OpenHandoff{.reference = h.reference, .route = h.route, .queue = handoffs_->queue_of(h.route), .staff_name = h.staff_name,
                            .status = h.status,
                            .since = h.status == store::HandoffState::accepted ? h.accepted_at.value_or(h.requested_at) : h.requested_at,
                            .urgent = h.urgent,
                            .told_unavailable = h.unavailable_at.has_value(), .deadline = h.deadline_at};
  }
  Reply out;
  if (load.is_reload())
    out.push_back(protocol::error_json("conversation_moved",
                                       "This conversation was carried on in another tab or window, so that answer was not taken. Here is where it is now."));
  // The answered path comes back from the server: nothing personal is kept in the browser.
  out.push_back(json{{"type", "resumed"}, {"conversation", c.id}, {"reference", c.reference}, {"dialog", dialog->id}, {"version", dialog->content_hash},
                     {"history", protocol::history_json(summary_answers(*dialog, c.state))}});
  if (c.call) add_call_fields(out.back(), c);
  if (c.about) out.back()["about"] = protocol::about_json(*c.about);
  for (auto& e : current(c)) out.push_back(std::move(e));
  if (c.handoff) {
    out.push_back(handoff_status_json(*c.handoff, found->handoff->messages, now));
    t.follow = true;
  }
  t.frames = frames_of(std::move(out), ref);
  // A staff member reading a call back from the server: audited, and nothing is sent unless the audit row is.
  if (load.staff_id)
    t.record = store::Record{.audit = staff::AuditEntry{.at = now, .actor = *load.staff_id, .action = "resume_call",
                                                        .target = json{{"conversation", c.id}}.dump()}};
  t.on_commit = [this, c = std::move(c)]() mutable { conv_ = std::move(c); };
  return t;
}

void ChatConversation::committed(Turn& turn) {
  if (turn.only_while && !(handoff() && handoff()->reference == *turn.only_while)) {
    turn = Turn{.ref = turn.ref, .prompted = turn.prompted};  // it moved on meanwhile: nothing to show
    return;
  }
  if (turn.on_commit) turn.on_commit();
}

}  // namespace rc
