// See scenario_runner.hpp. Scenarios run through `advance`, exactly as a conversation would.
#include "scenario_runner.hpp"

#include <algorithm>

#include "answer_words.hpp"
#include "engine.hpp"

namespace rc {
namespace {

struct Run {
  Reached& reached;
  std::vector<std::string> trail;  // the path in words, back steps included
  int alerts = 0;
  std::string error;  // the engine's complaint about the last answer, if any
  std::string reply;  // every text of the last reply, for reply_includes

  void note(const std::vector<Event>& events) {
    error.clear();
    reply.clear();
    for (const auto& e : events) {
      if (auto* p = std::get_if<PromptEvent>(&e)) {
        reached.nodes.insert(p->node);
        reply += p->text + "\n";
      } else if (auto* i = std::get_if<InfoEvent>(&e)) {
        reached.nodes.insert(i->node);
        reply += i->text + "\n";
      } else if (auto* o = std::get_if<OutcomeEvent>(&e)) {
        reached.nodes.insert(o->node);
        reply += o->title + "\n" + o->text + "\n" + o->alert_note + "\n";
      } else if (auto* a = std::get_if<AlertEvent>(&e)) {
        ++alerts;
        reply += a->text + "\n";
      } else if (auto* err = std::get_if<ErrorEvent>(&e)) {
        error = err->message;
        reply += err->code + ": " + err->message + "\n";
        if (!err->help.empty()) reply += err->help + "\n";
      } else if (auto* m = std::get_if<MatchedEvent>(&e)) {
        reply += m->say + "\n";
      }
    }
  }
};

std::string describe(const ScenarioAnswer& a) {
  switch (a.kind) {
    case ScenarioAnswer::Kind::option: return "\"" + a.value + "\"";
    case ScenarioAnswer::Kind::text: return "{text: \"" + a.value + "\"}";
    case ScenarioAnswer::Kind::back: return "{back: true}";
  }
  return "?";
}

Input input_for(const ScenarioAnswer& a, const State& s) {
  switch (a.kind) {
    case ScenarioAnswer::Kind::option: return ChooseInput{s.current, a.value};
    case ScenarioAnswer::Kind::text: {
      TypeInput typed;
      typed.node = s.current;
      typed.text = a.value;
      return typed;
    }
    case ScenarioAnswer::Kind::back: return BackInput{};
  }
  return BackInput{};
}

// The words for what the answer did: the option it chose (typed text may choose one), the
// text, or the answer as written when the engine did not take it.
std::string step_words(const Dialog& d, const ScenarioAnswer& a, const State& before, const State& after, bool taken) {
  if (a.kind == ScenarioAnswer::Kind::back) return taken ? "(back)" : "(back, not taken)";
  if (!taken) return before.current + ": " + describe(a) + " (not taken)";
  if (after.history.size() > before.history.size()) {
    const Answer& done = after.history.back();
    if (!done.option.empty()) {
      std::string w = answer_in_words(d, done.node, done.option);
      return a.kind == ScenarioAnswer::Kind::text ? w + " (typed \"" + a.value + "\")" : w;
    }
    return typed_in_words(done.node, done.text);
  }
  return typed_in_words(before.current, a.value) + " (kept the place)";
}

// Everything an outcome shows in words, for outcome_includes.
std::string outcome_words(const OutcomeEvent& o) {
  std::string w = o.title + "\n" + o.text + "\n" + o.alert_note + "\n";
  for (const auto& p : o.points) w += p + "\n";
  for (const auto& c : o.contacts) w += c.name + " " + c.phone + " " + c.email + " " + c.hours + "\n";
  return w;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string listed(const std::vector<std::string>& ids) {
  std::string s = "[";
  for (const auto& id : ids) s += (s.size() > 1 ? ", " : "") + id;
  return s + "]";
}

}  // namespace

ScenarioResult run_scenario(const Dialog& d, const Catalogue& content, const Scenario& sc, Reached& reached) {
  ScenarioResult r{sc.name, sc.line, false, {}, {}};
  Run run{reached, {}, 0, {}};
  Millis now = 0;
  Step step = advance(d, content, State{}, StartInput{}, now);
  run.note(step.events);
  std::size_t i = 0;
  for (; i < sc.answers.size(); ++i) {
    const ScenarioAnswer& a = sc.answers[i];
    if (step.state.finished && a.kind != ScenarioAnswer::Kind::back) {
      r.failures.push_back("reached an outcome after " + std::to_string(i) + " answer(s), but " + std::to_string(sc.answers.size() - i) +
                           " answer(s) were left, from " + describe(a) + " (line " + std::to_string(a.line) + ")");
      break;
    }
    const State before = step.state;
    step = advance(d, content, std::move(step.state), input_for(a, before), ++now);
    if (step.state.history.size() > before.history.size()) {
      const Answer& done = step.state.history.back();
      if (!done.option.empty()) reached.options.insert({done.node, done.option});
    }
    run.note(step.events);
    run.trail.push_back(step_words(d, a, before, step.state, run.error.empty()));
    for (const auto& words : a.reply_includes)
      if (run.reply.find(words) == std::string::npos)
        r.failures.push_back("answer " + std::to_string(i + 1) + " " + describe(a) + " (line " + std::to_string(a.line) + "): the reply does not include \"" +
                             words + "\"");
    if (a.not_taken) {
      if (run.error.empty()) {
        r.failures.push_back("answer " + std::to_string(i + 1) + " " + describe(a) + " (line " + std::to_string(a.line) + ") at " + before.current +
                             " was taken, but the scenario says it must not be");
        break;
      }
      continue;
    }
    if (!r.failures.empty()) break;
    if (!run.error.empty()) {
      r.failures.push_back("answer " + std::to_string(i + 1) + " " + describe(a) + " (line " + std::to_string(a.line) + ") at " + before.current +
                           " was not taken: " + run.error);
      break;
    }
  }
  const bool ran_through = r.failures.empty();
  if (step.state.finished) {
    const Node* n = d.find(step.state.current);
    const std::string code = n ? n->outcome : std::string();
    run.trail.push_back("ends at " + node_in_words(d, step.state.current));
    if (ran_through && sc.outcome != code && sc.outcome != step.state.current)
      r.failures.push_back("expected outcome " + sc.outcome + ", got " + code + " (node " + step.state.current + ")");
    std::vector<std::string> shown;
    std::string words;
    for (const auto& e : current_view(d, content, step.state))
      if (auto* o = std::get_if<OutcomeEvent>(&e)) {
        for (const auto& c : o->contacts) shown.push_back(c.id);
        words += outcome_words(*o);
      }
    if (ran_through && sc.contacts && sorted(shown) != sorted(*sc.contacts))
      r.failures.push_back("expected contacts " + listed(*sc.contacts) + ", shown " + listed(shown));
    for (const auto& w : sc.outcome_includes)
      if (ran_through && words.find(w) == std::string::npos)
        r.failures.push_back("the outcome does not show \"" + w + "\" (line " + std::to_string(sc.outcome_includes_line) + ")");
  } else {
    run.trail.push_back("stops at " + step.state.current + " (no outcome)");
    if (ran_through) r.failures.push_back("expected outcome " + sc.outcome + ", but the answers ran out at " + step.state.current);
  }
  if (ran_through && sc.alerts && *sc.alerts != run.alerts)
    r.failures.push_back("expected " + std::to_string(*sc.alerts) + " alert(s), got " + std::to_string(run.alerts));
  r.passed = r.failures.empty();
  r.path = join_steps(run.trail);
  return r;
}

Coverage coverage_of(const Dialog& d, const Reached& reached) {
  Coverage c;
  c.dialog = d.id;
  for (const auto& n : d.nodes) {
    ++c.nodes;
    const bool seen = reached.nodes.count(n.id) != 0;
    if (!seen) c.missed_nodes.push_back(n.id);
    if (n.is_outcome()) {
      ++c.outcomes;
      if (!seen) c.missed_outcomes.push_back(n.id);
    }
    if (n.kind != NodeKind::question) continue;
    for (const auto& o : n.options) {
      ++c.options;
      if (!reached.options.count({n.id, o.id})) c.missed_options.push_back(n.id + "." + o.id);
    }
  }
  return c;
}

}  // namespace rc
