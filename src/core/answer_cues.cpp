// See answer_cues.hpp. Small fixed word lists rather than a parser: an answer is a few words,
// and a wrong "question" or "not" only asks again, where a wrong match could send a child's
// case down the wrong path. So the lists lean towards asking again.
#include "answer_cues.hpp"

#include <algorithm>
#include <iterator>

namespace rc {
namespace {

template <std::size_t N>
bool one_of(std::string_view word, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

// Contractions are written as normalised: "don't" -> "dont".
constexpr std::string_view kNegations[] = {"not",    "no",      "never",    "nor",    "neither", "none",   "nothing", "nobody",  "nowhere",
                              "hardly", "barely",  "scarcely", "unlikely", "doubt", "doubtful", "nope",  "nah",     "dunno",
                              "cannot", "dont",    "doesnt",   "didnt",  "isnt",    "arent",  "wasnt",   "werent",  "cant",
                              "couldnt", "wont",   "wouldnt",  "shouldnt", "hasnt", "havent", "hadnt",   "aint",    "mustnt",
                              "neednt", "mightnt", "shant"};

constexpr std::string_view kBareNo[] = {"no", "nope", "nah"};
constexpr std::string_view kAskingInside[] = {"what", "whats", "whether", "how", "hows", "why", "if"};

// A first word that always asks.
constexpr std::string_view kAlwaysAsking[] = {"what", "whats", "why", "how", "hows", "which", "whose", "whom", "whos", "whether", "wheres", "whens"};
// These ask when a verb follows ("where do I send it"), not when they begin a statement ("when I asked, they agreed").
constexpr std::string_view kAskingWithVerb[] = {"who", "where", "when"};
// A first word that asks whatever follows ("is it...", "does neglect count..."), unless a "not"
// makes it a statement cut short ("do not want help", "does not agree").
constexpr std::string_view kAskingVerbs[] = {"is", "does", "do", "can", "shall", "will"};
// These ask before "be"-less words ("could it be", "should I ring"); "could be", "would say so",
// "could do with help" are hedged statements.
constexpr std::string_view kModals[] = {"could", "should", "would", "might", "may", "must"};
constexpr std::string_view kHedges[] = {"be", "not", "have", "say", "think", "guess", "imagine", "need", "do", "well"};
// These ask only with a subject after them ("have they agreed"), never alone ("had a chat", "are happy with it").
constexpr std::string_view kAskingWithSubject[] = {"am",    "are",    "was",    "were",    "did",      "has",     "have",   "had",
                                      "isnt",  "arent",  "doesnt", "didnt",   "dont",     "cant",    "couldnt", "shouldnt",
                                      "wouldnt", "wont", "hasnt",  "havent",  "wasnt",    "werent"};
constexpr std::string_view kSubjects[] = {"i",    "we",  "you", "they",  "he", "she",  "it",  "this",   "that",  "there",  "these", "those",
                             "anyone", "someone", "somebody", "anybody", "everyone", "the", "my", "our", "your", "his", "her", "their"};
// Words that open a sentence without saying anything: "ok so what counts...", "sorry, is it...".
constexpr std::string_view kFillers[] = {"ok", "okay", "so", "but", "and", "sorry", "um", "umm", "erm", "er", "hi", "hello", "please", "right", "well", "then"};

bool is_verb_after_asking(std::string_view word) {
  return one_of(word, kAskingVerbs) || one_of(word, kModals) || one_of(word, kAskingWithSubject) || word == "count" || word == "counts";
}

}  // namespace

bool is_negation(std::string_view word) { return one_of(word, kNegations); }

bool is_bare_no(std::string_view word) { return one_of(word, kBareNo); }

bool is_asking_word(std::string_view word) { return one_of(word, kAskingInside); }

bool reads_as_question(std::string_view folded, const std::vector<std::string>& words) {
  if (folded.find('?') != std::string_view::npos) return true;
  std::size_t i = 0;
  while (i < words.size() && one_of(words[i], kFillers)) ++i;
  if (i == words.size()) return false;
  const std::string_view first = words[i];
  const std::string_view second = i + 1 < words.size() ? std::string_view(words[i + 1]) : std::string_view();
  if (one_of(first, kAlwaysAsking)) return true;
  if (one_of(first, kAskingWithVerb)) return is_verb_after_asking(second);
  if (one_of(first, kAskingVerbs)) return !second.empty() && !is_negation(second);
  if (one_of(first, kModals)) return !second.empty() && !one_of(second, kHedges) && !is_negation(second);
  if (one_of(first, kAskingWithSubject)) return one_of(second, kSubjects);
  return false;
}

}  // namespace rc
