// Folds typed text to one comparable form before anything matches it: Unicode normalised
// (NFKC), case folded, accents stripped, curly quotes, dashes and odd spaces lumped to ASCII
// (utf8proc), invalid UTF-8 replaced. Then split into words and sentence breaks.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace rc {

// Whether `text` is well-formed UTF-8 (what a request's text must be before anything reads it).
bool is_utf8(std::string_view text);
// The length in bytes of the valid UTF-8 character `text` starts with; 0 when it is not one.
std::size_t utf8_char_length(std::string_view text);
// `text` cut to at most `bytes`, never inside a character.
std::string_view utf8_prefix(std::string_view text, std::size_t bytes);

// "Don’t  SHOUT – café" -> "don't  shout - cafe". Never fails: bytes that are not UTF-8 become spaces.
std::string fold_text(std::string_view text);

struct FoldedWord {
  std::string text;             // letters, digits and inner apostrophes ("don't"), folded
  bool after_break = false;     // a sentence ends before it (. ! ? ; or a line break)
  bool apostrophe_before = false;  // an apostrophe stood right before it: a quote, or "'e" for "he"
  bool after_comma = false;        // a comma stands between it and the word before
};

// The words of folded text, in order.
std::vector<FoldedWord> split_words(std::string_view folded);

}  // namespace rc
