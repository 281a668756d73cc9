// See text_match.hpp.
#include "text_match.hpp"

#include <algorithm>

#include "answer_cues.hpp"
#include "text_fold.hpp"

namespace rc {
namespace {

using Words = std::vector<std::string>;

Words words_of_folded(const std::string& folded) {
  Words out;
  for (const auto& w : split_words(folded)) {
    std::string word;
    for (char c : w.text)
      if (c != '\'') word += c;  // apostrophes join words: "don't" == "dont"
    if (!word.empty()) out.push_back(std::move(word));
  }
  return out;
}

std::string joined(const Words& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

struct Phrase {
  const Option* option = nullptr;
  Words words;
  bool negative = false;  // says "not" itself: "not sure", "dont know", "do not want"
  bool asks = false;      // is a question itself: "what is mosaic"
};

std::vector<Phrase> phrases_of(const Node& question) {
  std::vector<Phrase> out;
  for (std::size_t i = 0; i < question.options.size(); ++i)
    for (const auto& text : phrases_for(question.options[i], i + 1)) {
      Phrase p{&question.options[i], words_of_folded(text)};
      if (p.words.empty()) continue;
      p.negative = std::any_of(p.words.begin(), p.words.end(), [](const std::string& w) { return is_negation(w); });
      p.asks = reads_as_question(text, p.words);
      out.push_back(std::move(p));
    }
  return out;
}

// Whether the rest of the answer lets a phrase found at `at` stand: a negation anywhere else
// turns it round ("I don't think it is significant harm"; "significant harm? no"), and an asking
// word before it asks about it ("I need to know what a child in need is"). The one exception is
// a bare "no" leading a phrase that is itself a no ("No, not yet").
MatchRefusal judge(const Words& answer, std::size_t at, const Phrase& p) {
  MatchRefusal verdict = MatchRefusal::none;
  for (std::size_t i = 0; i < answer.size(); ++i) {
    if (i >= at && i < at + p.words.size()) continue;
    if (i < at && is_asking_word(answer[i])) return MatchRefusal::question;
    if (is_negation(answer[i]) && !(i == 0 && p.negative && is_bare_no(answer[i]))) verdict = MatchRefusal::negated;
  }
  return verdict;
}

// An option whose phrases were found inside the answer, and how they fared.
struct Found {
  const Option* option = nullptr;
  bool stands = false;  // at least one place where nothing turned it round
  bool asked = false;   // refused as a question somewhere
};

// Phrases of two or more words inside the answer, on word boundaries. Single words are never
// looked for inside a longer answer: "no" is in "I have no idea". In a question only a phrase
// that is a question itself counts ("sorry, what's mosaic").
std::vector<Found> find_inside(const Words& answer, const std::vector<Phrase>& phrases, bool question) {
  std::vector<Found> found;
  for (const auto& p : phrases) {
    if (p.words.size() < 2 || p.words.size() > answer.size() || (question && !p.asks)) continue;
    for (std::size_t at = 0; at + p.words.size() <= answer.size(); ++at) {
      if (!std::equal(p.words.begin(), p.words.end(), answer.begin() + static_cast<std::ptrdiff_t>(at))) continue;
      auto it = std::find_if(found.begin(), found.end(), [&](const Found& f) { return f.option == p.option; });
      if (it == found.end()) it = found.insert(found.end(), Found{p.option});
      const MatchRefusal verdict = judge(answer, at, p);
      it->stands = it->stands || verdict == MatchRefusal::none;
      it->asked = it->asked || verdict == MatchRefusal::question;
    }
  }
  return found;
}

// "they don't agree": without its negations the answer names an option ("they agree").
bool negates_an_option(const Words& answer, const std::vector<Phrase>& phrases) {
  Words kept;
  std::copy_if(answer.begin(), answer.end(), std::back_inserter(kept), [](const std::string& w) { return !is_negation(w); });
  if (kept.empty() || kept.size() == answer.size()) return false;
  if (std::any_of(phrases.begin(), phrases.end(), [&](const Phrase& p) { return p.words == kept; })) return true;
  return !find_inside(kept, phrases, false).empty();
}

}  // namespace

std::string normalise(const std::string& text) { return joined(words_of_folded(fold_text(text))); }

std::vector<std::string> phrases_for(const Option& option, std::size_t position) {
  std::vector<std::string> out{normalise(option.id), normalise(option.label), std::to_string(position)};
  for (const auto& s : option.synonyms) out.push_back(normalise(s));
  return out;
}

TypedMatch match_typed(const Node& question, const std::string& typed) {
  const std::string folded = fold_text(typed);
  const Words answer = words_of_folded(folded);
  if (answer.empty()) return {};
  const bool asked = reads_as_question(folded, answer);
  const auto phrases = phrases_of(question);
  for (const auto& p : phrases)
    if (p.words == answer && (!asked || p.asks)) return {p.option};
  const auto found = find_inside(answer, phrases, asked);
  if (found.size() == 1 && found.front().stands) return {found.front().option};
  if (asked) return {nullptr, MatchRefusal::question};
  // Phrases of two options, one of them standing: ambiguous, asked again without a reason.
  if (std::any_of(found.begin(), found.end(), [](const Found& f) { return f.stands; })) return {};
  if (!found.empty())
    return {nullptr, std::any_of(found.begin(), found.end(), [](const Found& f) { return f.asked; }) ? MatchRefusal::question : MatchRefusal::negated};
  if (negates_an_option(answer, phrases)) return {nullptr, MatchRefusal::negated};
  return {};
}

const Option* match_option(const Node& question, const std::string& typed) { return match_typed(question, typed).option; }

}  // namespace rc
