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

// Why typed text that names an option was not taken as it (answer_cues.hpp).
enum class MatchRefusal {
  none,
  negated,   // the option's words with a "not" around them: "I don't think it is significant harm"
  question,  // a question, not an answer: "what counts as a child in need?"
};

struct TypedMatch {
  const Option* option = nullptr;
  MatchRefusal refused = MatchRefusal::none;  // set only when no option was taken
};

// The option the typed text selects: the whole answer equal to one of its phrases, or else one
// of its phrases of two or more words inside a longer answer, with no negation anywhere else in
// the answer and no asking word before it. A question is never an answer, unless the option's
// own phrase is one ("what is mosaic"). Two options found: none taken (better to ask again).
TypedMatch match_typed(const Node& question, const std::string& typed);

// The option the typed text selects, or nullptr.
const Option* match_option(const Node& question, const std::string& typed);

}  // namespace rc
