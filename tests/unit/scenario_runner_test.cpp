// Scenario tests for dialog authors: loading scenario files, running them, and coverage.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/dialog_loader.hpp"
#include "core/scenario_loader.hpp"
#include "core/scenario_runner.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

std::string read_text(const std::string& rel) {
  std::ifstream in(source_path(rel), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ScenarioFile scenarios_from(const std::string& text, Problems& problems) {
  auto f = parse_scenarios(text, "scenarios.yaml", problems);
  REQUIRE(f.has_value());
  return *f;
}

Scenario one(const std::string& yaml) {
  Problems problems;
  auto f = scenarios_from("dialog: early-help\nscenarios:\n" + yaml, problems);
  for (const auto& p : problems) MESSAGE(p.describe());
  REQUIRE(problems.empty());
  REQUIRE(f.scenarios.size() == 1);
  return f.scenarios.front();
}

ScenarioResult run(const std::string& yaml) {
  Reached reached;
  return run_scenario(early_help(), shipped().content, one(yaml), reached);
}

const Dialog& small_dialog() {
  static const Dialog d = [] {
    Problems problems;
    auto parsed = parse_dialog(read_text("tests/fixtures/authoring/dialogs/small.yaml"), "small.yaml", problems);
    REQUIRE(parsed.has_value());
    return *parsed;
  }();
  return d;
}

}  // namespace

TEST_CASE("a scenario that reaches the expected outcome with the expected contacts and alerts passes") {
  auto r = run(R"(  - name: east hub
    answers: ["no", "no", "yes", "agree", "no", multi, {text: "none"}, east]
    outcome: hub_request_east
    contacts: [families_first, hub_east]
    alerts: 0
)");
  for (const auto& f : r.failures) MESSAGE(f);
  CHECK(r.passed);
  CHECK(r.path.find("area: East Leeds → ends at hub_east") != std::string::npos);
}

TEST_CASE("the expected outcome may be the outcome code or the outcome node's id") {
  CHECK(run("  - name: by code\n    answers: [\"no\", unsure, cannot_reach]\n    outcome: duty_and_advice\n").passed);
  CHECK(run("  - name: by node\n    answers: [\"no\", unsure, cannot_reach]\n    outcome: duty_and_advice_unsure\n").passed);
  CHECK_FALSE(run("  - name: other node\n    answers: [\"no\", unsure, cannot_reach]\n    outcome: call_999\n").passed);
}

TEST_CASE("a wrong expected outcome fails and shows the path taken in plain words") {
  auto r = run("  - name: wrong\n    answers: [\"no\", \"yes\"]\n    outcome: emergency_999\n");
  CHECK_FALSE(r.passed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0] == "expected outcome emergency_999, got duty_and_advice (node duty_and_advice)");
  CHECK(r.path ==
        "danger: No → harm: Yes, I think so → ends at duty_and_advice \"Ring Duty and Advice now: {duty_and_advice.phone}\" (duty_and_advice)");
}

TEST_CASE("wrong contacts and a wrong alert count are each reported") {
  auto r = run("  - name: wrong extras\n    answers: [\"yes\"]\n    outcome: emergency_999\n    contacts: [duty_and_advice]\n    alerts: 2\n");
  CHECK_FALSE(r.passed);
  REQUIRE(r.failures.size() == 2);
  CHECK(r.failures[0] == "expected contacts [duty_and_advice], shown [emergency_999, duty_and_advice]");
  CHECK(r.failures[1] == "expected 2 alert(s), got 0");
}

TEST_CASE("typed text is matched to options and worrying words count as an alert") {
  auto typed = run("  - name: typed\n    answers: [{text: \"No\"}, {text: \"not sure\"}, {text: \"can't reach them\"}]\n    outcome: duty_and_advice_unsure\n");
  CHECK(typed.passed);
  CHECK(typed.path.find("harm: I'm not sure (typed \"not sure\")") != std::string::npos);
  auto alert = run("  - name: alert\n    answers: [{text: \"a child is in danger\"}, \"yes\"]\n    outcome: emergency_999\n    alerts: 1\n");
  for (const auto& f : alert.failures) MESSAGE(f);
  CHECK(alert.passed);
  CHECK(alert.path.find("(kept the place)") != std::string::npos);
}

TEST_CASE("going back changes an earlier answer even from an outcome") {
  CHECK(run("  - name: back\n    answers: [\"no\", \"yes\", {back: true}, \"no\", \"yes\", refused]\n    outcome: refusal_guidance\n").passed);
  auto r = run("  - name: back from outcome\n    answers: [\"yes\", {back: true}, \"no\", \"yes\"]\n    outcome: duty_and_advice\n");
  CHECK(r.passed);
  CHECK(r.path.find("(back)") != std::string::npos);
}

TEST_CASE("an answer the engine refuses stops the scenario there and says why") {
  auto r = run("  - name: bad option\n    answers: [\"no\", maybe]\n    outcome: duty_and_advice\n");
  CHECK_FALSE(r.passed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].find("answer 2 \"maybe\" (line 4) at harm was not taken") == 0);
  CHECK(r.path == "danger: No → harm: \"maybe\" (not taken) → stops at harm (no outcome)");
}

TEST_CASE("answers that run out before an outcome or go on after one fail") {
  auto short_of = run("  - name: short\n    answers: [\"no\"]\n    outcome: duty_and_advice\n");
  CHECK_FALSE(short_of.passed);
  CHECK(short_of.failures.at(0) == "expected outcome duty_and_advice, but the answers ran out at harm");
  auto past = run("  - name: past\n    answers: [\"yes\", \"no\"]\n    outcome: emergency_999\n");
  CHECK_FALSE(past.passed);
  CHECK(past.failures.at(0).find("reached an outcome after 1 answer(s), but 1 answer(s) were left") == 0);
}

TEST_CASE("a scenario file's mistakes (unknown keys included) are reported with file and line") {
  Problems problems;
  scenarios_from(R"(dialog: early-help
scenarios:
  - name: typo
    answers: ["yes"]
    outcome: emergency_999
    contact: [emergency_999]
  - name: no outcome
    answers: ["yes"]
  - name: bad answer
    answers: [{txt: "hello"}]
    outcome: emergency_999
  - name: bad count
    answers: []
    outcome: emergency_999
    alerts: many
  - name: typo
    answers: ["yes"]
    outcome: emergency_999
)",
                problems);
  std::vector<std::string> seen;
  for (const auto& p : problems) seen.push_back(p.describe());
  for (const char* expected : {"scenarios.yaml:6: error: [typo] unknown key \"contact\"", "scenarios.yaml:7: error: [no outcome] missing \"outcome\"",
                               "scenarios.yaml:10: error: [bad answer] unknown key \"txt\"",
                               "scenarios.yaml:15: error: [bad count] \"alerts\" must be a whole number",
                               "scenarios.yaml:16: error: [typo] another scenario has the same name"}) {
    CAPTURE(expected);
    CHECK(std::find(seen.begin(), seen.end(), expected) != seen.end());
  }
}

TEST_CASE("coverage counts the outcomes and the nodes and options that the scenarios of a small dialog reach") {
  Problems problems;
  auto file = scenarios_from(read_text("tests/fixtures/authoring/dialogs/tests/small.yaml"), problems);
  REQUIRE(problems.empty());
  Reached reached;
  for (const auto& s : file.scenarios) CHECK(run_scenario(small_dialog(), shipped().content, s, reached).passed);
  const Coverage c = coverage_of(small_dialog(), reached);
  CHECK(c.outcomes == 4);
  CHECK(c.outcomes_reached() == 2);
  CHECK(c.missed_outcomes == std::vector<std::string>{"call_999", "hub_west"});
  CHECK(c.nodes == 8);
  CHECK(c.nodes_reached() == 6);  // the info node counts as reached when passed through
  CHECK(c.missed_nodes == std::vector<std::string>{"call_999", "hub_west"});
  CHECK(c.options == 6);
  CHECK(c.options_chosen() == 4);
  CHECK(c.missed_options == std::vector<std::string>{"danger.yes", "area.west"});
  CHECK_FALSE(c.has_full_outcome_coverage());
}

TEST_CASE("the shipped scenarios pass and reach every outcome of the early-help dialog") {
  Problems problems;
  auto file = scenarios_from(read_text("dialogs/tests/early-help.yaml"), problems);
  REQUIRE(problems.empty());
  CHECK(file.dialog == "early-help");
  Reached reached;
  for (const auto& s : file.scenarios) {
    auto r = run_scenario(early_help(), shipped().content, s, reached);
    CAPTURE(r.name);
    for (const auto& f : r.failures) MESSAGE(f);
    CHECK(r.passed);
  }
  const Coverage c = coverage_of(early_help(), reached);
  CHECK(c.missed_outcomes.empty());
  CHECK(c.missed_nodes.empty());
  CHECK(c.missed_options.empty());
}

TEST_CASE("outcome_includes checks the words the outcome shows, with its numbers filled in") {
  auto ok = run("  - name: number\n    answers: [\"no\", \"yes\"]\n    outcome: duty_and_advice\n    outcome_includes: [\"Ring Duty and Advice now: 0113 376 0336\"]\n");
  for (const auto& f : ok.failures) MESSAGE(f);
  CHECK(ok.passed);
  auto wrong = run("  - name: missing\n    answers: [\"no\", \"yes\"]\n    outcome: duty_and_advice\n    outcome_includes: [\"Early Help Hub\"]\n");
  CHECK_FALSE(wrong.passed);
  REQUIRE(wrong.failures.size() == 1);
  CHECK(wrong.failures[0].find("the outcome does not show \"Early Help Hub\"") == 0);
}
