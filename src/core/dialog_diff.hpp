// What changed between two versions of a dialog that a user would notice: nodes added and
// removed, reworded text, changed options and outcome content, and, most important, every
// answer path whose end changes. Pure; `rightconv diff` prints it.
//
// Answer paths are enumerated jointly over both versions as a set of answers (question id ->
// option id), each question answered the same way in both. A path never revisits a node
// (going round a loop ends it), free-text questions are one step, so the walk is bounded by
// the number of questions on a path; `max_paths` bounds the total.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "dialog.hpp"

namespace rc {

struct NodeChange {
  std::string node;
  std::string what;  // in plain words
};

// Where an answer path ends in one version.
struct PathEnd {
  enum class Kind { outcome, loops, not_offered, broken };
  Kind kind = Kind::outcome;
  std::string node;    // the outcome node; the node returned to; the question; the missing node
  std::string code;    // outcome code
  std::string option;  // not_offered: the answer that version does not have

  bool operator==(const PathEnd&) const = default;
};

struct ChangedPath {
  std::vector<std::string> steps;  // "harm: I'm not sure", in the order the new version asks
  PathEnd was, now;
  std::string path;    // "danger: No → harm: No → ... → area: East Leeds"
  std::string change;  // "now ends at X, was Y"

  std::string words() const { return path + ": " + change; }
};

struct DialogDiff {
  std::vector<NodeChange> added, removed;  // what: kind and text
  std::vector<NodeChange> reworded;        // text, say, help, titles and option labels
  std::vector<NodeChange> changed;         // options added/removed/redirected, outcome content, kinds, start
  std::vector<ChangedPath> changed_paths;  // answer paths whose end differs
  std::size_t paths_compared = 0;
  bool truncated = false;  // more than max_paths: changed_paths may be incomplete

  bool outcomes_changed() const { return !changed_paths.empty(); }
};

DialogDiff diff_dialogs(const Dialog& before, const Dialog& after, std::size_t max_paths = 100000);

// "ends at hub_east \"Title\" (hub_request_east)", "goes back round to needs", ...
std::string end_in_words(const Dialog& dialog, const PathEnd& end);

}  // namespace rc
