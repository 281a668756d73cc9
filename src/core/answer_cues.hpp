// The words that turn a typed answer round or make it a question, so matching never takes
// "I don't think it is significant harm" as "Yes" nor "what counts as a child in need?" as an
// answer. Words are normalised as text_match.hpp makes them (lower case, apostrophes dropped:
// "don't" is "dont").
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace rc {

// "not", "no", "never", "nor", "neither", "hardly", "doubt", "dont", "isnt", "cannot"...
bool is_negation(std::string_view word);
// "no", "nope", "nah": a bare no that may lead an answer ("No, not yet").
bool is_bare_no(std::string_view word);
// "what", "whether", "how", "why", "if": before an option's words, they ask about them
// ("I need to know what a child in need is").
bool is_asking_word(std::string_view word);

// Whether typed text reads as a question: it has a "?" in it, or its first words ask ("what
// counts as...", "is it...", "does neglect count...", "should I ring...", "where do I send...").
// Not a question: "dont know", "do not want help", "could be", "had a chat", "when I asked, they agreed".
// `folded` is the text as fold_text made it; `words` its normalised words.
bool reads_as_question(std::string_view folded, const std::vector<std::string>& words);

}  // namespace rc
