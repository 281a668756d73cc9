// Tolerates a typo in a word the safety detector looks for ("brusied", "sucidal", "negelct"):
// one edit (a letter added, dropped, changed, or two swapped) in a word of five letters or
// more, and only when a real English dictionary does not know the word as typed, so
// "cruised" is never read as "bruised".
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <cstdint>
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

  // Every word, and every form of it with one letter dropped, with the word it came from (an
  // index into the words), sorted by key: symmetric delete, where a typo within one edit shares
  // a key with the word. A flat sorted list, not a map of lists: about 25,000 keys for the
  // shipped rules, a third of the memory (issue 18).
  struct Deletions {
    std::vector<std::string> words;  // sorted, each once
    std::vector<std::pair<std::string, std::uint32_t>> keys;
    Deletions(std::vector<std::string> words);
    // The words with this key, in order.
    std::vector<const std::string*> with_key(std::string_view key) const;
  };

  std::unordered_set<std::string> stems_;
  std::unordered_set<std::string> known_;
  Deletions by_delete_;
  Deletions prefix_by_delete_;  // the same for prefixes
  std::unordered_set<std::string> prefix_set_;
  std::size_t shortest_prefix_ = 64, longest_prefix_ = 0;
  std::shared_ptr<const KnownWords> dictionary_;
};

// Optimal string alignment distance (edits and adjacent swaps), giving up past `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

}  // namespace rc
