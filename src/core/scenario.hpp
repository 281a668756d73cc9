// Scenario tests for dialog authors: a named list of answers and what it should end with.
// Loaded from dialogs/tests/*.yaml by scenario_loader; run by scenario_runner.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace rc {

struct ScenarioAnswer {
  enum class Kind { option, text, back };
  Kind kind = Kind::option;
  std::string value;  // the option id, or the typed text
  // Typed text the dialog must refuse (no_match) and carry on from: {text: "...", not_taken: true}.
  bool not_taken = false;
  // Words the reply to this answer must contain (alert, error or prompt text), e.g. the fail-safe line.
  std::vector<std::string> reply_includes;
  int line = 0;
};

struct Scenario {
  std::string name;
  int line = 0;
  std::vector<ScenarioAnswer> answers;
  std::string outcome;                              // outcome code or outcome node id
  std::optional<std::vector<std::string>> contacts;  // contact ids shown with the outcome
  std::optional<int> alerts;                         // urgent alerts raised on the way
  // Words the outcome must show (its title, text, points, alert note and contacts' details):
  // "0113 376 0336", "option 1".
  std::vector<std::string> outcome_includes;
  int outcome_includes_line = 0;
};

struct ScenarioFile {
  std::string file;
  std::string dialog;  // dialog id
  int line = 0;
  std::vector<Scenario> scenarios;
};

}  // namespace rc
