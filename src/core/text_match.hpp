// Matching typed or spoken answers to options, and finding safety terms in free text.
// Both compare normalised text: lower case, punctuation as spaces, single spaces.
#pragma once
#include <string>
#include <vector>

#include "content_catalogue.hpp"
#include "dialog.hpp"

namespace rc {

std::string normalise(const std::string& text);

// Every normalised phrase that selects an option: its id, label, synonyms and its number (1-based).
std::vector<std::string> phrases_for(const Option& option, std::size_t position);

// The option the typed text selects, or nullptr.
const Option* match_option(const Node& question, const std::string& typed);

// The safety terms found in the text, on word boundaries ("hit" is not found in "white").
std::vector<const SafetyTerm*> find_safety_terms(const SafetyRules& rules, const std::string& text);

}  // namespace rc
