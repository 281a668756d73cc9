// Matching typed or spoken answers to options. Compares normalised text: folded (see
// text_fold.hpp), punctuation as spaces, apostrophes dropped, single spaces.
#pragma once
#include <string>
#include <vector>

#include "dialog.hpp"

namespace rc {

std::string normalise(const std::string& text);

// Every normalised phrase that selects an option: its id, label, synonyms and its number (1-based).
std::vector<std::string> phrases_for(const Option& option, std::size_t position);

// The option the typed text selects, or nullptr.
const Option* match_option(const Node& question, const std::string& typed);

}  // namespace rc
