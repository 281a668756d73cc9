// See text_match.hpp.
#include "text_match.hpp"

#include "text_fold.hpp"

namespace rc {

std::string normalise(const std::string& text) {
  std::string out;
  for (const auto& w : split_words(fold_text(text))) {
    if (!out.empty()) out += ' ';
    for (char c : w.text)
      if (c != '\'') out += c;  // apostrophes join words: "don't" == "dont"
  }
  return out;
}

std::vector<std::string> phrases_for(const Option& option, std::size_t position) {
  std::vector<std::string> out{normalise(option.id), normalise(option.label), std::to_string(position)};
  for (const auto& s : option.synonyms) out.push_back(normalise(s));
  return out;
}

const Option* match_option(const Node& question, const std::string& typed) {
  const std::string want = normalise(typed);
  if (want.empty()) return nullptr;
  for (std::size_t i = 0; i < question.options.size(); ++i)
    for (const auto& phrase : phrases_for(question.options[i], i + 1))
      if (phrase == want) return &question.options[i];
  // Second chance: a phrase of two or more words inside a longer answer ("I can't reach them"
  // finds "cant reach"). Single words are too risky ("no" in "I have no idea"), and when more
  // than one option is found the answer is ambiguous: better to ask again than to guess.
  const std::string padded = " " + want + " ";
  const Option* found = nullptr;
  for (std::size_t i = 0; i < question.options.size(); ++i)
    for (const auto& phrase : phrases_for(question.options[i], i + 1)) {
      if (phrase.find(' ') == std::string::npos || padded.find(" " + phrase + " ") == std::string::npos) continue;
      if (found && found != &question.options[i]) return nullptr;
      found = &question.options[i];
    }
  return found;
}

}  // namespace rc
