// The Urgent control (UrgentInput and a dialog's `urgent:` node): the jump, the way back, and
// that the place it keeps is never taken for an answer.
#include <doctest/doctest.h>

#include "core/dialog_diff.hpp"
#include "core/dialog_loader.hpp"
#include "core/dialog_validator.hpp"
#include "core/outcome_summary.hpp"
#include "core/state_json.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

const Catalogue& content() { return shipped().content; }
Step send(Step step, Input in, Millis now = 5000) { return advance(early_help(), content(), std::move(step.state), in, now); }

// A small dialog: a question, an outcome, and a danger question only Urgent reaches.
const char* kSmall = R"(id: small
version: "1"
title: Small
start: q1
%URGENT%
nodes:
  - id: q1
    kind: question
    text: Pick one
    source: 002_9cb3e83fa45f89f9.txt
    options:
      - {id: a, label: A, next: done}
      - {id: b, label: B, next: done}
  - id: danger
    kind: question
    text: Is a child in danger?
    source: 000_a5c56f8256cf026c.txt
    options:
      - {id: "yes", label: "Yes", next: done}
      - {id: "no", label: "No", next: q1}
  - id: done
    kind: outcome
    outcome: universal_signpost
    title: Done
    text: Done.
    source: 002_9cb3e83fa45f89f9.txt
)";

Dialog small(const std::string& urgent_line, Problems& problems) {
  std::string text = kSmall;
  text.replace(text.find("%URGENT%"), 8, urgent_line);
  auto d = parse_dialog(text, "small.yaml", problems);
  REQUIRE(d);
  for (auto& p : validate_dialog(*d, content())) problems.push_back(p);
  return *d;
}

}  // namespace

TEST_CASE("the shipped dialog's urgent node is the immediate danger question") {
  CHECK(early_help().urgent == "danger");
}

TEST_CASE("urgent jumps to the danger question mid-call and back returns to where the call was") {
  Step before = walk(early_help(), content(), {"no", "unsure"});
  REQUIRE(before.state.current == "lead_check");
  Step jumped = send(before, UrgentInput{});
  CHECK(jumped.state.current == "danger");
  CHECK_FALSE(jumped.state.finished);
  const auto* p = last_of<PromptEvent>(jumped.events);
  REQUIRE(p);
  CHECK(p->node == "danger");
  CHECK(p->can_go_back);
  CHECK(jumped.state.history.size() == before.state.history.size() + 1);
  CHECK(jumped.state.history.back().urgent);

  Step back = send(jumped, BackInput{});
  CHECK(back.state.current == "lead_check");
  CHECK(back.state.history.size() == before.state.history.size());
  CHECK(facts_of(early_help(), back.state) == facts_of(early_help(), before.state));
}

TEST_CASE("urgent then yes reaches the 999 outcome and the no answer leads on to significant harm") {
  Step jumped = send(walk(early_help(), content(), {"no", "no", "no"}), UrgentInput{});
  Step to_999 = send(jumped, ChooseInput{"danger", "yes"});
  const auto* o = last_of<OutcomeEvent>(to_999.events);
  REQUIRE(o);
  CHECK(o->code == "emergency_999");
  Step to_harm = send(jumped, ChooseInput{"danger", "no"});
  CHECK(to_harm.state.current == "harm");
  Step duty = send(to_harm, ChooseInput{"harm", "yes"});
  REQUIRE(last_of<OutcomeEvent>(duty.events));
  CHECK(last_of<OutcomeEvent>(duty.events)->code == "duty_and_advice");
}

TEST_CASE("urgent from an outcome leaves it and back returns to the outcome") {
  Step outcome = walk(early_help(), content(), {"no", "yes"});
  REQUIRE(outcome.state.finished);
  const std::string reached = outcome.state.current;
  Step jumped = send(outcome, UrgentInput{});
  CHECK(jumped.state.current == "danger");
  CHECK_FALSE(jumped.state.finished);
  Step back = send(jumped, BackInput{});
  CHECK(back.state.finished);
  CHECK(back.state.current == reached);
  REQUIRE(last_of<OutcomeEvent>(back.events));
}

TEST_CASE("urgent at the urgent question shows it again without adding a step") {
  Step first = walk(early_help(), content(), {});
  Step again = send(first, UrgentInput{});
  CHECK(again.state.current == "danger");
  CHECK(again.state.history.empty());
  CHECK(last_of<PromptEvent>(again.events));
  CHECK_FALSE(last_of<ErrorEvent>(again.events));
}

TEST_CASE("the place urgent keeps is not an answer - facts and the summary skip it and it survives storage") {
  Step at_notes = walk(early_help(), content(), {"no", "no", "yes", "agree", "no", "multi"});
  REQUIRE(at_notes.state.current == "hub_notes");
  Step jumped = send(at_notes, UrgentInput{});
  CHECK(facts_of(early_help(), jumped.state).count("hub_notes") == 0);  // a text node left, not answered

  auto stored = state_from_json(state_to_json(jumped.state));
  REQUIRE(stored);
  REQUIRE(stored->history.size() == jumped.state.history.size());
  CHECK(stored->history.back().urgent);
  CHECK(stored->history.back().node == "hub_notes");

  // On to an outcome from the danger question: the summary lists answers only.
  Step done = send(send(jumped, ChooseInput{"danger", "no"}), ChooseInput{"harm", "yes"});
  REQUIRE(done.state.finished);
  Summary s = summarise(early_help(), content(), done.state, "0123456789abcdef0123456789ab", 0);
  for (const auto& a : s.answers) CHECK_FALSE((a.node == "hub_notes" && a.answer == "(nothing typed)"));
  CHECK(s.answers.size() == 8);  // six before the jump, then danger and harm again
}

TEST_CASE("a dialog without an urgent node refuses the jump and keeps its place") {
  Problems problems;  // the danger node is unreachable without `urgent`: beside the point here
  Dialog d = small("", problems);
  Step s = advance(d, content(), State{}, StartInput{}, 1);
  Step refused = advance(d, content(), s.state, UrgentInput{}, 2);
  REQUIRE(last_of<ErrorEvent>(refused.events));
  CHECK(last_of<ErrorEvent>(refused.events)->code == "no_urgent_path");
  CHECK(refused.state.current == "q1");
  CHECK(refused.state.history.empty());
}

TEST_CASE("a node reached only through urgent is not reported unreachable - an unknown one is an error on its line") {
  Problems ok;
  Dialog d = small("urgent: danger", ok);
  CHECK_FALSE(has_errors(ok));
  Step s = advance(d, content(), State{}, StartInput{}, 1);
  CHECK(advance(d, content(), s.state, UrgentInput{}, 2).state.current == "danger");

  Problems without;
  small("", without);  // danger is unreachable without the urgent key
  bool unreachable = false;
  for (const auto& p : without) unreachable = unreachable || (p.node == "danger" && p.message.find("unreachable") != std::string::npos);
  CHECK(unreachable);

  Problems bad;
  small("urgent: nowhere", bad);
  bool reported = false;
  for (const auto& p : bad)
    reported = reported || (p.file == "small.yaml" && p.line == 5 && p.message == "urgent names unknown node \"nowhere\"");
  CHECK(reported);
}

TEST_CASE("a changed urgent node shows in the dialog diff") {
  Problems problems;
  const Dialog with = small("urgent: danger", problems);
  const Dialog without = small("", problems);
  bool reported = false;
  for (const auto& c : diff_dialogs(without, with).changed) reported = reported || (c.node == "(urgent)" && c.what == "Urgent now goes to danger, was nowhere");
  CHECK(reported);
  CHECK(diff_dialogs(with, with).changed.empty());
}

TEST_CASE("an alert after the safety questions carries the answers it may change, and Change goes back to them") {
  // Danger: No, harm: No, then a disclosure typed at the next question.
  Step s = advance(early_help(), content(), State{}, StartInput{}, 1);
  s = send(std::move(s), ChooseInput{"danger", "no"});
  s = send(std::move(s), ChooseInput{"harm", "no"});
  const std::string at = s.state.current;
  s = send(std::move(s), TypeInput{at, "his dad hit him last night"});
  const auto* alert = last_of<AlertEvent>(s.events);
  REQUIRE(alert);
  REQUIRE(alert->earlier_answers.size() == 2);
  CHECK(alert->earlier_answers[0].node == "danger");
  CHECK(alert->earlier_answers[0].question == "Is a child in immediate danger right now?");
  CHECK(alert->earlier_answers[0].answer == "No");
  CHECK(alert->earlier_answers[1].node == "harm");
  CHECK(alert->earlier_answers[1].answer == "No");
  // "Change my answer" is the urgent jump: the danger question, and back returns to the place.
  s = send(std::move(s), UrgentInput{});
  CHECK(s.state.current == "danger");
  CHECK(send(std::move(s), BackInput{}).state.current == at);

  // Before any safety question is answered there is nothing to change.
  Step fresh = advance(early_help(), content(), State{}, StartInput{}, 1);
  fresh = send(std::move(fresh), TypeInput{"danger", "his dad hit him last night"});
  REQUIRE(last_of<AlertEvent>(fresh.events));
  CHECK(last_of<AlertEvent>(fresh.events)->earlier_answers.empty());
}

TEST_CASE("safety_questions must name questions, and needs urgent") {
  Problems unknown;
  small("urgent: danger\nsafety_questions: [danger, nowhere]", unknown);
  bool reported = false;
  for (const auto& p : unknown) reported = reported || (p.line == 6 && p.message == "safety_questions names unknown node \"nowhere\"");
  CHECK(reported);

  Problems outcome;
  small("urgent: danger\nsafety_questions: [done]", outcome);
  reported = false;
  for (const auto& p : outcome) reported = reported || p.message == "safety_questions: \"done\" is not a question with options";
  CHECK(reported);

  Problems no_urgent;
  small("safety_questions: [q1]", no_urgent);
  reported = false;
  for (const auto& p : no_urgent) reported = reported || p.message == "safety_questions needs urgent: changing a safety answer goes through it";
  CHECK(reported);

  Problems fine;
  small("urgent: danger\nsafety_questions: [danger, q1]", fine);
  CHECK_FALSE(has_errors(fine));
}
