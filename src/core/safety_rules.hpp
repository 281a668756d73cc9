// The safety detector's rules as a safeguarding lead writes them (content/safety/detector.yaml):
// word lists, harm categories with their patterns, negation in the manner of NegEx, and the
// ordinary phrases that look like harm but are not. Parsed here; compiled by safety_detector.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "problem.hpp"
#include "yaml_tree.hpp"

namespace rc {

// One pattern over words, e.g. "touch* ... @child_body" (see docs/dialog-format.md, "Safety detector").
struct SafetyPatternText {
  std::string text;
  std::string level;  // overrides the category's level when set (immediate_danger)
  int line = 0;
};

struct SafetyCategory {
  std::string id, label;
  std::string level = "significant_harm";  // immediate_danger | significant_harm
  std::vector<SafetyPatternText> patterns;
  int line = 0;
};

struct SafetyNegation {
  std::vector<SafetyPatternText> before;  // "no concerns about", "not", "never": negate what follows
  std::vector<SafetyPatternText> after;   // "is not a concern", "ruled out": negate what comes before
  std::vector<SafetyPatternText> pseudo;  // "not sure", "not only": look like negation, are not
  std::vector<std::string> ends;          // "but", "however": a negation's reach stops here
  // "he", "dad": after a comma, one of these starts a new clause, which a negation before the
  // comma does not reach ("no concerns about attendance, dad hits him"); a list goes on ("no
  // bruises, marks or cuts"). An `after` negation never reaches back over a comma.
  std::vector<std::string> clause_starts;
  int window = 6;                         // how many words a negation reaches
};

struct SafetyDetectorRules {
  std::string file;
  int line = 0;
  int gap = 4;  // how many words "..." may skip
  std::map<std::string, std::string> spellings;  // a typed word -> the word(s) it is read as ("u" -> "you")
  std::vector<std::string> known_words;  // real words the dictionary lacks: never read as a typo ("vape")
  std::map<std::string, std::vector<std::string>> words;  // named word lists: @adult, @child...
  std::map<std::string, int> word_lines;
  std::vector<SafetyCategory> categories;
  SafetyNegation negation;
  std::vector<SafetyPatternText> not_harm;  // idioms and ordinary phrases: a match inside one is dropped

  bool empty() const { return categories.empty(); }
  const SafetyCategory* category(const std::string& id) const {
    for (const auto& c : categories)
      if (c.id == id) return &c;
    return nullptr;
  }
};

// Reads the `safety_detector` section of a content file.
void parse_safety_detector(const YamlValue& section, const std::string& file, SafetyDetectorRules& into, Problems& problems);

}  // namespace rc
