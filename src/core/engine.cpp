// See engine.hpp. Every function here is a pure function of its arguments.
#include "engine.hpp"

#include <algorithm>

#include "text_match.hpp"

namespace rc {

ContactView view_of(const Contact& c) {
  // Only verified, well-formed details leave the catalogue.
  return {c.id, c.name, c.shown_phone(), c.shown_email(), c.hours, c.note, c.overridden_by.empty() ? c.source : c.overridden_by,
          c.shown_email().empty() ? std::string() : c.email_say};
}

std::string filled_text(const std::string& text, const Catalogue& content) {
  if (text.find('{') == std::string::npos) return text;
  auto f = fill_contact_details(text, content);
  return f ? f.value() : text;
}

std::vector<ContactView> contact_views(const Catalogue& content, const std::vector<std::string>& ids) {
  std::vector<ContactView> out;
  for (const auto& id : ids) {
    auto it = content.contacts.find(id);
    if (it == content.contacts.end()) continue;
    ContactView v = view_of(it->second);
    if (!v.phone.empty() || !v.email.empty()) out.push_back(std::move(v));
  }
  return out;
}

namespace {

std::string filled(const std::string& text, const Catalogue& content) { return filled_text(text, content); }


// An alert fired earlier in the conversation: whatever this outcome advises, the safety
// contacts come first and the outcome says why.
void add_alert_to_outcome(const Catalogue& content, OutcomeEvent& o) {
  o.alert_fired = true;
  auto filled = fill_contact_details(content.safety.outcome_note, content);
  o.alert_note = filled ? filled.value() : filled_text(content.safety.alert_text, content);
  const std::string& say = content.safety.outcome_note_say.empty() ? content.safety.alert_say : content.safety.outcome_note_say;
  o.alert_note_say = filled_text(say, content);
  std::vector<ContactView> first;
  for (auto& c : contact_views(content, content.safety.contacts))
    if (std::none_of(o.contacts.begin(), o.contacts.end(), [&](const ContactView& v) { return v.id == c.id; })) first.push_back(std::move(c));
  o.contacts.insert(o.contacts.begin(), first.begin(), first.end());
}

PromptEvent prompt_for(const Node& n, const Catalogue& content, const State& s) {
  PromptEvent p{n.id, filled(n.text, content), filled(n.say, content), filled(n.help, content), n.source, n.kind == NodeKind::text, {}, s.can_go_back()};
  for (const auto& o : n.options) p.options.push_back({o.id, o.label, o.say});
  return p;
}

OutcomeEvent outcome_for(const Dialog& d, const Catalogue& content, const Node& n, const State& s) {
  OutcomeEvent o;
  o.node = n.id;
  o.code = n.outcome;
  o.title = filled(n.title, content);
  o.text = filled(n.text, content);
  o.say = filled(n.say, content);
  o.source = n.source;
  for (const auto& p : n.points) o.points.push_back(filled(p, content));
  o.come_back = n.come_back;
  o.contacts = contact_views(content, n.contacts);
  for (const auto& id : n.forms)
    if (auto it = content.forms.find(id); it != content.forms.end())
      o.forms.push_back({id, it->second.name, it->second.text, it->second.source, it->second.url});
  for (const auto& id : n.guidance)
    if (auto it = content.guidance.find(id); it != content.guidance.end())
      o.guidance.push_back({id, it->second.title, it->second.text, it->second.source, it->second.url});
  for (const auto& id : n.services)
    if (auto it = content.services.find(id); it != content.services.end())
      o.guidance.push_back({id, it->second.name, it->second.text, it->second.source, it->second.url});
  o.handoff_available = n.handoff;
  o.facts = facts_of(d, s);
  if (s.alert_fired()) add_alert_to_outcome(content, o);
  return o;
}

ErrorEvent error(std::string code, std::string message) { return ErrorEvent{std::move(code), std::move(message), {}, {}}; }

// Moves to `node_id`, passing through info nodes (each shown as an event), and stops at the
// first node that takes input or at an outcome. Guarded against info cycles the validator missed.
void enter(const Dialog& d, const Catalogue& content, State& s, std::string node_id, std::vector<Event>& events) {
  for (std::size_t hops = 0; hops <= d.nodes.size(); ++hops) {
    const Node* n = d.find(node_id);
    if (!n) {
      events.push_back(error("dialog_error", "This dialog is broken at \"" + node_id + "\". Please start again."));
      return;
    }
    if (n->kind == NodeKind::info) {
      events.push_back(InfoEvent{n->id, filled(n->text, content), filled(n->say, content), n->source});
      node_id = n->next;
      continue;
    }
    s.current = n->id;
    s.finished = n->is_outcome();
    if (s.finished)
      events.push_back(outcome_for(d, content, *n, s));
    else
      events.push_back(prompt_for(*n, content, s));
    return;
  }
  events.push_back(error("dialog_error", "This dialog goes round in a loop. Please start again."));
}

Step start_fresh(const Dialog& d, const Catalogue& content, Millis now) {
  Step step;
  step.state.dialog = d.id;
  step.state.version = d.content_hash;
  step.state.started = step.state.updated = now;
  enter(d, content, step.state, d.start, step.events);
  return step;
}

Step reject(const Dialog& d, const Catalogue& content, State s, std::vector<Event> events, ErrorEvent e) {
  events.push_back(std::move(e));
  for (auto& ev : current_view(d, content, s)) events.push_back(std::move(ev));
  return {std::move(s), std::move(events)};
}

// `typed`: the words taken as `o`, as kept (redacted); empty when the option was chosen by its id.
Step choose(const Dialog& d, const Catalogue& content, State s, const Node& n, const Option& o, std::vector<Event> events, Millis now,
            std::string typed = {}, bool alerted = false) {
  s.history.push_back({.node = n.id, .option = o.id, .text = std::move(typed), .alerted = alerted, .at = now});
  enter(d, content, s, o.next, events);
  return {std::move(s), std::move(events)};
}

// What unmatched text gets: never a bare "did not match", always the 999 and Duty and Advice line.
// Words that named an option the wrong way round (with a "not", or as a question) say why, with
// the question's help and the offer of a person.
ErrorEvent no_match(const Catalogue& content, const Node& n, MatchRefusal refused) {
  ErrorEvent e = error("no_match", "Sorry, that did not match any of the answers. Please choose one of the options.");
  e.say = "Sorry, I did not catch that.";
  if (refused == MatchRefusal::negated) {
    e.reason = "negated";
    e.message = "Your answer has a \"not\" or a \"no\" in it, so it was not taken as one of the answers, in case it was read the wrong way "
                "round. Please choose one of the options, or ask to talk to a person.";
    e.say = "Sorry, your answer had a no or a not in it, so I did not take it as one of the answers.";
  } else if (refused == MatchRefusal::question) {
    e.reason = "question";
    e.message = "That looks like a question, so it was not taken as an answer. The help with this question may answer it, or you can ask "
                "to talk to a person. Then please choose one of the options.";
    e.say = "That sounded like a question, so I did not take it as an answer.";
  }
  if (!e.reason.empty()) {
    e.help = filled(n.help, content);
    e.handoff_available = true;
    if (refused == MatchRefusal::question && !e.help.empty()) e.say += " " + e.help;  // the caller cannot see the help
  }
  const SafetyRules& safety = content.safety;
  auto line = fill_contact_details(safety.fail_safe_text, content);
  auto said = fill_contact_details(safety.fail_safe_say.empty() ? safety.fail_safe_text : safety.fail_safe_say, content);
  if (line) e.message += " " + line.value();
  if (said) e.say += " " + said.value();
  e.contacts = contact_views(content, safety.contacts);
  return e;
}

MatchedEvent taken_as(const Node& n, const Option& o) {
  std::string label = o.label.empty() ? o.id : o.label;
  while (!label.empty() && (label.back() == '.' || label.back() == ' ')) label.pop_back();
  return MatchedEvent{n.id, o.id, label, "I took that as: " + label + "."};
}

// The questions typed words that raised the alert may still answer: the dialog's safety
// questions and its urgent one.
bool is_safety_question(const Dialog& d, const Node& n) {
  return n.id == d.urgent || std::find(d.safety_questions.begin(), d.safety_questions.end(), n.id) != d.safety_questions.end();
}

// Where typed text that raised an alert at a free-text node goes instead of carrying on.
std::string disclosure_target(const Dialog& d, const Node& n) { return n.on_disclosure.empty() ? d.on_disclosure : n.on_disclosure; }

Step answer_text(const Dialog& d, const Catalogue& content, State s, const TypeInput& in, std::vector<Event> events, bool alerted, Millis now) {
  const Node& n = *d.find(s.current);
  if (n.kind == NodeKind::text) {
    s.history.push_back({.node = n.id, .text = in.record_as.value_or(in.text), .alerted = alerted, .at = now});
    const std::string target = alerted ? disclosure_target(d, n) : std::string();
    enter(d, content, s, target.empty() ? n.next : target, events);
    return {std::move(s), std::move(events)};
  }
  const TypedMatch match = match_typed(n, in.text);
  // Words that raised the alert answer a safety question ("yes, there was a bruise on her arm" at
  // harm). Anywhere else they are a disclosure, never an answer: "we have talked, his dad has a
  // knife" must not be taken as "Yes, we have talked" and carry on towards early help.
  if (match.option && (!alerted || is_safety_question(d, n))) {
    events.push_back(taken_as(n, *match.option));
    return choose(d, content, std::move(s), n, *match.option, std::move(events), now, in.record_as.value_or(in.text), alerted);
  }
  if (alerted) {
    // The alert is the answer; keep the place without an error.
    for (auto& ev : current_view(d, content, s)) events.push_back(std::move(ev));
    return {std::move(s), std::move(events)};
  }
  return reject(d, content, std::move(s), std::move(events), no_match(content, n, match.refused));
}

// The safety path: the urgent node, with the place left pushed so "back" returns to it. Already
// at the urgent question, it is simply shown again (pushing would make "back" stand still).
Step jump_to_urgent(const Dialog& d, const Catalogue& content, State s, Millis now) {
  if (d.urgent.empty() || !d.find(d.urgent))
    return reject(d, content, std::move(s), {}, error("no_urgent_path", "This dialog has no urgent path. Use the contacts for 999 and Duty and Advice."));
  if (!s.finished && s.current == d.urgent) {
    auto events = current_view(d, content, s);
    return {std::move(s), std::move(events)};
  }
  s.history.push_back({.node = s.current, .urgent = true, .at = now});
  std::vector<Event> events;
  enter(d, content, s, d.urgent, events);
  return {std::move(s), std::move(events)};
}

bool is_current(const State& s, const std::string& node) { return !s.finished && node == s.current; }

ErrorEvent stale(const State& s) {
  return error("stale_node", s.finished ? "This conversation has reached its outcome. Go back or start again to change an answer."
                                        : "That answer is for an earlier question. Please answer the question shown now.");
}

}  // namespace

std::map<std::string, std::string> facts_of(const Dialog& d, const State& s) {
  std::map<std::string, std::string> facts;
  for (const auto& a : s.history) {
    const Node* n = d.find(a.node);
    if (!n || a.urgent) continue;
    if (n->kind == NodeKind::text && !n->fact.empty() && !a.alerted) facts[n->fact] = a.text;
    for (const auto& o : n->options)
      if (o.id == a.option)
        for (const auto& [k, v] : o.sets) facts[k] = v;
  }
  return facts;
}

std::vector<AlertEvent> safety_alerts(const Catalogue& content, const std::string& text) {
  if (!content.safety.detector || text.empty()) return {};
  auto found = content.safety.detector->detect(text);
  if (found.empty()) return {};
  AlertEvent a;
  a.category = "significant_harm";
  for (const auto& f : found)
    if (f.level == "immediate_danger") a.category = "immediate_danger";
  a.text = filled_text(content.safety.alert_text, content);  // "{duty_and_advice.phone}": checked to fill at load
  a.say = content.safety.alert_say;
  a.source = content.safety.source;
  a.contacts = contact_views(content, content.safety.contacts);
  a.detections = std::move(found);
  return {a};
}

void add_earlier_answers(std::vector<AlertEvent>& alerts, const Dialog& d, const State& s) {
  if (alerts.empty() || d.safety_questions.empty()) return;
  std::vector<EarlierAnswer> earlier;
  for (const auto& a : s.history) {
    if (std::find(d.safety_questions.begin(), d.safety_questions.end(), a.node) == d.safety_questions.end()) continue;
    const Node* n = d.find(a.node);
    if (!n) continue;
    for (const auto& o : n->options)
      if (o.id == a.option) earlier.push_back({a.node, n->text, o.label});
  }
  for (auto& alert : alerts) alert.earlier_answers = earlier;
}

void remember_alerts(State& s, const std::string& node, const std::vector<AlertEvent>& alerts, Millis now) {
  for (const auto& a : alerts) {
    AlertMark mark{node, a.category, {}, now};
    for (const auto& d : a.detections) mark.categories.push_back(d.category);
    s.alerts.push_back(std::move(mark));
  }
}

std::vector<Event> current_view(const Dialog& d, const Catalogue& content, const State& s) {
  std::vector<Event> out;
  const Node* n = d.find(s.current);
  if (!n) return out;
  if (n->is_outcome())
    out.push_back(outcome_for(d, content, *n, s));
  else
    out.push_back(prompt_for(*n, content, s));
  return out;
}

Step advance(const Dialog& d, const Catalogue& content, State s, const Input& input, Millis now) {
  if (std::holds_alternative<StartInput>(input) || std::holds_alternative<RestartInput>(input) || s.current.empty()) {
    if (!std::holds_alternative<StartInput>(input) && !std::holds_alternative<RestartInput>(input))
      return {std::move(s), {error("no_conversation", "There is no conversation yet. Start one first.")}};
    return start_fresh(d, content, now);
  }
  s.updated = now;
  if (!d.find(s.current)) return {std::move(s), {error("dialog_error", "This conversation's place is no longer in the dialog. Please start again.")}};

  if (std::holds_alternative<BackInput>(input)) {
    if (!s.can_go_back()) return reject(d, content, std::move(s), {}, error("cannot_go_back", "This is the first question: there is nothing to go back to."));
    const std::string previous = s.history.back().node;
    s.history.pop_back();
    std::vector<Event> events;
    enter(d, content, s, previous, events);
    return {std::move(s), std::move(events)};
  }

  if (std::holds_alternative<UrgentInput>(input)) return jump_to_urgent(d, content, std::move(s), now);

  if (const auto* in = std::get_if<ChooseInput>(&input)) {
    if (!is_current(s, in->node)) return reject(d, content, std::move(s), {}, stale(s));
    const Node& n = *d.find(s.current);
    for (const auto& o : n.options)
      if (o.id == in->option) return choose(d, content, std::move(s), n, o, {}, now);
    return reject(d, content, std::move(s), {},
                  error("invalid_option", n.kind == NodeKind::text ? "This question takes typed text, not an option."
                                                                   : "\"" + in->option + "\" is not one of the options for this question."));
  }

  const auto& in = std::get<TypeInput>(input);
  // Safety first, whatever the text is an answer to, and even when it answers nothing.
  auto alerts = safety_alerts(content, in.text);
  add_earlier_answers(alerts, d, s);
  remember_alerts(s, is_current(s, in.node) ? in.node : s.current, alerts, now);
  std::vector<Event> events(alerts.begin(), alerts.end());
  if (!is_current(s, in.node)) return reject(d, content, std::move(s), std::move(events), stale(s));
  return answer_text(d, content, std::move(s), in, std::move(events), !alerts.empty(), now);
}

}  // namespace rc
