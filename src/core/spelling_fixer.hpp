// Tolerates a typo in a word the safety detector looks for ("brusied", "sucidal", "negelct"):
// one edit (a letter added, dropped, changed, or two swapped) in a word of five letters or
// more, and only when a real English dictionary does not know the word as typed, so
// "cruised" is never read as "bruised".
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rc {

// A dictionary of real words (Hunspell en-GB in the server; a word list in tests).
class KnownWords {
 public:
  virtual ~KnownWords() = default;
  virtual bool knows(std::string_view word) const = 0;
};

class SpellingFixer {
 public:
  // Typed words and stems shorter than this are never corrected: one edit in a short word makes
  // another word too often ("vape" and "rape", "oscar" and "scar").
  static constexpr std::size_t kMinLength = 5;

  // `stems`: the word stems the detector looks for ("bruis"); `prefixes`: the starts of words it
  // looks for ("suicid" of "suicid*"). `dictionary` may be null: then nothing is corrected.
  // `known`: words the dictionary may lack that are never typos ("vape" is not "rape").
  SpellingFixer(const std::vector<std::string>& stems, const std::vector<std::string>& prefixes,
                std::shared_ptr<const KnownWords> dictionary, const std::vector<std::string>& known = {});

  // The stem the typo stands for, or "" when the word is fine, a real word, or too far from any.
  // `stem` is the typed word's stem, compared with the detector's; `typed` is what the
  // dictionary is asked about.
  std::string correct(std::string_view stem, std::string_view typed) const;

  bool has_dictionary() const { return dictionary_ != nullptr; }

 private:
  std::string closest_word(std::string_view word) const;
  std::string closest_prefix(std::string_view word) const;

  std::unordered_set<std::string> stems_;
  std::unordered_set<std::string> known_;
  std::vector<std::string> prefixes_;
  // Every stem, and every form of it with one letter dropped -> the words it came from
  // (symmetric delete: a typo within one edit shares a key with the word).
  std::unordered_map<std::string, std::vector<std::string>> by_delete_;
  std::unordered_map<std::string, std::vector<std::string>> prefix_by_delete_;  // the same for prefixes
  std::unordered_set<std::string> prefix_set_;
  std::size_t shortest_prefix_ = 64, longest_prefix_ = 0;
  std::shared_ptr<const KnownWords> dictionary_;
};

// Optimal string alignment distance (edits and adjacent swaps), giving up past `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

}  // namespace rc
