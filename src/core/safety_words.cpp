// See safety_words.hpp.
#include "safety_words.hpp"

#include <algorithm>

namespace rc {
namespace {

bool ends_with(std::string_view s, std::string_view tail) { return s.size() > tail.size() && s.substr(s.size() - tail.size()) == tail; }

void split_on_spaces(std::string_view s, std::vector<std::string>& out) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
}

// English contractions: the base word and what the ending stands for ("" when it is dropped:
// "'s" is as often "has" or a possessive as "is", so it is not guessed).
std::vector<std::string> open_contraction(std::string_view w) {
  if (ends_with(w, "n't")) {
    std::string base(w.substr(0, w.size() - 3));
    if (base == "wo") base = "will";
    else if (base == "ca") base = "can";
    else if (base == "sha") base = "shall";
    else if (base == "ai") base = "is";
    return {base, "not"};
  }
  static const std::pair<std::string_view, std::string_view> endings[] = {
      {"'s", ""}, {"'re", "are"}, {"'ll", "will"}, {"'ve", "have"}, {"'d", "would"}, {"'m", "am"}};
  // After a pronoun "'s" is "is" ("he's 26"); after a name or noun it is a possessive ("dad's belt").
  static const std::string_view pronouns[] = {"he", "she", "it", "there", "that", "what", "who", "where", "here", "this"};
  for (const auto& [ending, means] : endings)
    if (ends_with(w, ending)) {
      const std::string_view base = w.substr(0, w.size() - ending.size());
      std::vector<std::string> out{std::string(base)};
      if (!means.empty())
        out.emplace_back(means);
      else if (std::find(std::begin(pronouns), std::end(pronouns), base) != std::end(pronouns))
        out.emplace_back("is");
      return out;
    }
  std::string joined;  // "o'clock" -> "oclock"
  for (char c : w)
    if (c != '\'') joined += c;
  return {joined};
}

}  // namespace

WordReader::WordReader(std::map<std::string, std::string> spellings) {
  for (auto& [k, v] : spellings) spellings_.emplace(k, v);
}

std::vector<std::string> WordReader::expand(std::string_view word) const {
  std::vector<std::string> out;
  if (auto it = spellings_.find(word); it != spellings_.end()) {
    split_on_spaces(it->second, out);
    return out;
  }
  if (word.find('\'') == std::string_view::npos) return {std::string(word)};
  for (const auto& part : open_contraction(word)) {
    if (auto it = spellings_.find(part); it != spellings_.end())
      split_on_spaces(it->second, out);
    else if (!part.empty())
      out.push_back(part);
  }
  return out;
}

}  // namespace rc
