// See dialect_words.hpp.
#include "dialect_words.hpp"

#include <array>
#include <utility>

namespace rc {
namespace {

// Short words whose dropped h is read without asking the dictionary: "er", "is" and "as" are
// words too, so only an apostrophe before them says the h was dropped.
constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kDroppedH{{
    {"e", "he"}, {"er", "her"}, {"im", "him"}, {"is", "his"}, {"ad", "had"}, {"as", "has"},
    {"ave", "have"}, {"ere", "here"}, {"imself", "himself"}, {"erself", "herself"}, {"isself", "himself"},
}};

// Where a contraction's ending starts ("e's" -> 1), or the word's length when it has none.
std::size_t ending_at(std::string_view word) {
  if (word.size() > 3 && word.substr(word.size() - 3) == "n't") return word.size() - 3;
  const std::size_t apostrophe = word.rfind('\'');
  if (apostrophe == std::string_view::npos || apostrophe == 0) return word.size();
  const std::string_view ending = word.substr(apostrophe);
  for (std::string_view known : {"'s", "'re", "'ll", "'ve", "'d", "'m"})
    if (ending == known) return apostrophe;
  return word.size();
}

// After "t'" these are verbs ("nowt t'eat"), so it stands for "to"; before anything else, "the".
bool follows_to(std::string_view w) {
  for (std::string_view verb : {"eat", "drink", "go", "do", "get", "be", "have", "see", "sleep", "stay", "come", "wear", "play", "say", "tell", "wash"})
    if (w == verb) return true;
  return false;
}

bool ends_in_dropped_g(std::string_view w) { return w.size() >= 4 && w.substr(w.size() - 2) == "in"; }

}  // namespace

std::string DialectReader::restored(std::string_view base, bool apostrophe_before) const {
  if (apostrophe_before) {
    for (const auto& [dropped, word] : kDroppedH)
      if (base == dropped) return std::string(word);
  }
  // Only a word after an apostrophe or ending in "in" can have lost a letter: ask the
  // dictionary about nothing else.
  if (base.empty() || (!apostrophe_before && !ends_in_dropped_g(base)) || knows(base)) return std::string(base);
  const std::string with_g = std::string(base) + "g";
  if (apostrophe_before) {
    std::string with_h(1, 'h');
    with_h += base;
    if (knows(with_h)) return with_h;
    if (ends_in_dropped_g(base) && knows(with_h + "g")) return with_h + "g";
  }
  if (ends_in_dropped_g(base) && knows(with_g)) return with_g;
  return std::string(base);
}

std::string DialectReader::standard(std::string_view word, bool apostrophe_before) const {
  if (word.size() > 2 && word.substr(0, 2) == "t'") {
    const std::string rest = standard(word.substr(2), false);
    return std::string(follows_to(rest) ? "to " : "the ").append(rest);
  }
  const std::size_t at = ending_at(word);
  return restored(word.substr(0, at), apostrophe_before) + std::string(word.substr(at));
}

}  // namespace rc
