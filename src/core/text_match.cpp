// See text_match.hpp.
#include "text_match.hpp"

#include <cctype>

namespace rc {

std::string normalise(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // Apostrophes join words ("don't" == "dont"); the typographic one is E2 80 99 in UTF-8.
    if (c == '\'') continue;
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0x99 || static_cast<unsigned char>(text[i + 2]) == 0x98)) {
      i += 2;
      continue;
    }
    if (std::isalnum(c) || c >= 0x80) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      pending_space = true;
    }
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

std::vector<const SafetyTerm*> find_safety_terms(const SafetyRules& rules, const std::string& text) {
  std::vector<const SafetyTerm*> found;
  const std::string padded = " " + normalise(text) + " ";
  for (const auto& term : rules.terms) {
    if (term.term.empty()) continue;
    const std::string needle = " " + term.term + (term.prefix ? "" : " ");
    if (padded.find(needle) != std::string::npos) found.push_back(&term);
  }
  return found;
}

}  // namespace rc
