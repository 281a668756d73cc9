// The safety detector's pattern language, compiled to an RE2 regular expression over the
// stream of words that the detector builds from typed text, each as its stem and the word read
// (" he=he hit=hits her=her # she=she cri=cries ").
//
//   bruise            the word in any form (stemmed: bruises, bruised, bruising)
//   =bumped           the word in exactly this form (not "bump")
//   suicid*           any word that starts so (suicidal, suicide)
//   @adult            any word or phrase in the named word list
//   (lap|knee)        one of these; an alternative may be several items: (sat on|sits on (his|her))
//   [on his], (...)?  optional
//   ...               up to `gap` words (4 unless the rules say otherwise); ..2 up to two (..20 at most)
//
// Words never match across a sentence end. RE2 runs in time linear in the text.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace rc {

// A word a pattern cannot match without, looked for before the regex runs (the prefilter).
struct PatternKey {
  enum class Kind { stem, word, prefix };  // a word's stem, a word exactly as read, the start of a stem
  Kind kind = Kind::stem;
  std::string text;
};

struct CompiledPattern {
  std::string regex;                // over the word stream; capture groups mark the words that are not gaps
  int groups = 0;
  std::vector<std::string> stems;   // every whole word's stem (the spelling fixer's vocabulary)
  std::vector<std::string> prefixes;
  // One entry per item the pattern cannot match without: the words, one of which must be in the
  // text. An item that starts with a gap or an optional part has no entry.
  std::vector<std::vector<PatternKey>> required;
  // The words a match must start with (the first item's), so a search can be tried only where
  // one of them is; empty when the pattern starts with a gap or an optional part.
  std::vector<PatternKey> starts_with;
};

struct PatternWords {
  // A word list by name, as written (may name other lists with @).
  const std::map<std::string, std::vector<std::string>>* lists = nullptr;
  // A written word as the stems it reads as ("won't" -> {"will", "not"}).
  std::function<std::vector<std::string>(std::string_view)> read;
  int gap = 4;
};

Result<CompiledPattern> compile_safety_pattern(std::string_view pattern, const PatternWords& words);

}  // namespace rc
