// The safety interrupt's detector: does this typed text describe a child who may be in danger
// or at risk of significant harm? Text is folded (utf8proc), read word by word (contractions,
// txt-speak, typos against a real dictionary, Snowball stems) and matched against the rules'
// patterns in one linear-time pass (an RE2 set). A match is dropped when a negation reaches it
// ("no concerns about neglect") or when it lies inside an ordinary phrase ("kicked off at break").
// Pure: no files, no clock; the dictionary is handed in.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "problem.hpp"
#include "safety_rules.hpp"
#include "spelling_fixer.hpp"

namespace rc {

// Why an alert fired, for the hub reviewer (never shown to the practitioner).
struct Detection {
  std::string category;  // physical_abuse, ...
  std::string label;     // "Physical abuse"
  std::string level;     // immediate_danger | significant_harm
  std::vector<std::string> words;  // the typed words that raised it, as folded
  std::string pattern;   // the rule, as written
  int line = 0;          // and where it is written
};

// Everything the detector saw in one text: for `rightconv safety explain` and the evaluation.
struct SafetyReading {
  std::vector<std::string> words;  // the words as read: stems, "#" for a sentence end
  struct Match {
    Detection detection;
    std::string dropped_by;  // empty: raised the alert; else the negation or ordinary phrase that cancelled it
  };
  std::vector<Match> matches;
};

class SafetyDetector {
 public:
  // Compiles the rules; every bad pattern is a problem with its file and line. Returns null
  // when the rules have errors.
  static std::shared_ptr<const SafetyDetector> compile(const SafetyDetectorRules& rules, std::shared_ptr<const KnownWords> dictionary,
                                                       Problems& problems);
  ~SafetyDetector();

  // The categories the text raises, one detection each, in the order of the rules.
  std::vector<Detection> detect(std::string_view text) const;

  // The same, with the words as read and the matches that were dropped, and why.
  SafetyReading read(std::string_view text) const;

  bool corrects_spelling() const;
  std::size_t pattern_count() const;

  struct Compiled;

 private:
  SafetyDetector();
  std::unique_ptr<Compiled> c_;
};

}  // namespace rc
