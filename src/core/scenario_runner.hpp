// Runs scenario tests through the real engine and measures what they cover: which outcomes,
// nodes and options of a dialog no scenario reaches. Pure: the caller loads the files.
#pragma once
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "content_catalogue.hpp"
#include "dialog.hpp"
#include "scenario.hpp"

namespace rc {

// What the scenarios of one dialog reached, gathered as they run.
struct Reached {
  std::set<std::string> nodes;                                // every node shown or passed through
  std::set<std::pair<std::string, std::string>> options;      // (node, option) chosen
};

struct ScenarioResult {
  std::string name;
  int line = 0;
  bool passed = false;
  std::vector<std::string> failures;  // each difference from what was expected, in plain words
  std::string path;                   // the path taken, in words, ending with where it stopped
};

// Runs one scenario from the start of the dialog, recording what it reached.
ScenarioResult run_scenario(const Dialog& dialog, const Catalogue& content, const Scenario& scenario, Reached& reached);

struct Coverage {
  std::string dialog;
  std::size_t outcomes = 0, nodes = 0, options = 0;  // totals in the dialog
  std::vector<std::string> missed_outcomes;          // outcome node ids no scenario reached
  std::vector<std::string> missed_nodes;             // any node no scenario reached (outcomes too)
  std::vector<std::string> missed_options;           // "node.option" never chosen

  std::size_t outcomes_reached() const { return outcomes - missed_outcomes.size(); }
  std::size_t nodes_reached() const { return nodes - missed_nodes.size(); }
  std::size_t options_chosen() const { return options - missed_options.size(); }
  bool has_full_outcome_coverage() const { return missed_outcomes.empty(); }
};

Coverage coverage_of(const Dialog& dialog, const Reached& reached);

}  // namespace rc
