// Answer paths in plain words for authors: "harm: I'm not sure → after_lead: ...", and where a
// path ends. Shared by the scenario runner, the dialog diff and the replay report.
#pragma once
#include <string>
#include <vector>

#include "dialog.hpp"

namespace rc {

// "harm: I'm not sure": the node id and the option's label (its id if it has no label, or
// the id alone if the option is not in the dialog).
std::string answer_in_words(const Dialog& dialog, const std::string& node, const std::string& option);

// "hub_notes: typed \"none\"", or "hub_notes: (typed answer)" when the text is not known.
std::string typed_in_words(const std::string& node, const std::string& text, bool text_known = true);

// "hub_east \"Title\" (hub_request_east)" for an outcome node; the node id for any other node.
std::string node_in_words(const Dialog& dialog, const std::string& node);

// Joins steps with " → ".
std::string join_steps(const std::vector<std::string>& steps);

}  // namespace rc
