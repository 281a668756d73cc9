// See safety_pattern.hpp.
#include "safety_pattern.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <set>

#include "text_fold.hpp"
#include "word_stem.hpp"

namespace rc {
namespace {

constexpr const char* kAnyWord = "[^ #]+";
constexpr std::string_view kWordTail = "=[^ #]* ";  // the rest of a token after its stem

using Keys = std::optional<std::vector<PatternKey>>;  // nullopt: the item cannot be keyed

// Every item renders as a regex that consumes its words and the space after each, so items
// simply follow one another; top-level items (not gaps) are captured for the evidence. Each item
// also gives the keys it starts with, so the detector can skip a pattern whose words are absent.
class PatternCompiler {
 public:
  PatternCompiler(std::string_view text, const PatternWords& words) : text_(text), words_(words) {}

  Result<CompiledPattern> run() {
    std::string body;
    bool has_words = false;
    Keys first;
    if (!sequence(body, 0, true, has_words, first)) return make_error(error_);
    if (!has_words) return make_error("a pattern needs at least one word");
    out_.regex = " " + body;
    if (first) out_.starts_with = std::move(*first);
    return std::move(out_);
  }

 private:
  bool set_error(std::string message) {
    error_ = std::move(message);
    return false;
  }

  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  // Items until the end, or (inside a group) until '|' or `close`, which are left for the caller.
  // `first` gets the keys of the sequence's first item. `parts` (inside a group) gets the
  // sequence as alternatives: a lone list or group's own, so that a group of lists is one
  // choice among all their words; otherwise the sequence itself.
  bool sequence(std::string& out, char close, bool top, bool& has_words, Keys& first, std::vector<std::string>* parts = nullptr) {
    bool at_start = true;
    int items = 0;
    std::vector<std::string> lone;  // the last item's alternatives, when it may stand for the sequence
    for (;;) {
      skip_spaces();
      if (pos_ >= text_.size()) return close == 0 || set_error(std::string("missing '") + close + "'");
      const char c = text_[pos_];
      if (close && (c == close || c == '|')) {
        if (parts) *parts = items == 1 && !lone.empty() ? std::move(lone) : std::vector<std::string>{out};
        return true;
      }
      if (c == ')' || c == ']' || c == '|') return set_error(std::string("unexpected '") + c + "'");
      ++items;
      lone.clear();
      std::string item;
      Keys keys;
      bool optional = false;
      if (c == '.') {
        if (!gap(item)) return false;
        out += item;
        if (at_start) first.reset();
        at_start = false;
        continue;
      }
      std::vector<std::string> alts;
      if (c == '(' || c == '[') {
        ++pos_;
        if (!alternatives(alts, c == '(' ? ')' : ']', has_words, keys)) return false;
        optional = c == '[';
        if (!optional && pos_ < text_.size() && text_[pos_] == '?') {
          optional = true;
          ++pos_;
        }
        item = optional ? "(?:" + one_of(alts) + ")?" : one_of(alts);
      } else {
        std::vector<std::string> phrases;
        std::vector<PatternKey> word_keys;
        if (!written_item(phrases, word_keys)) return false;
        alts = shared_tails(phrases);
        item = one_of(alts);
        keys = std::move(word_keys);
        has_words = true;
      }
      if (!optional) lone = std::move(alts);
      if (at_start) first = optional ? Keys{} : keys;
      at_start = false;
      if (top) {
        out += "(" + item + ")";
        ++out_.groups;
        if (!optional && keys) out_.required.push_back(*keys);
      } else {
        out += item;
      }
    }
  }

  // A group's alternatives, until `close`, as one ordered choice.
  bool alternatives(std::vector<std::string>& out, char close, bool& has_words, Keys& keys) {
    keys.emplace();
    std::vector<std::string> all;
    for (;;) {
      std::string seq;
      std::vector<std::string> parts;
      bool seq_words = false;
      Keys first;
      if (!sequence(seq, close, false, seq_words, first, &parts)) return false;
      if (seq.empty()) return set_error("an empty alternative");
      has_words = has_words || seq_words;
      if (keys && first)
        keys->insert(keys->end(), first->begin(), first->end());
      else
        keys.reset();  // one alternative we cannot key: the group cannot be keyed
      for (auto& p : parts) all.push_back(std::move(p));
      const char c = text_[pos_++];  // sequence() stopped at '|' or close
      if (c == close) break;
    }
    out = shared_tails(all);
    return true;
  }

  // "..." or "..N": up to N words of anything but a sentence end.
  bool gap(std::string& out) {
    int n = 0;
    if (text_.substr(pos_, 3) == "...") {
      pos_ += 3;
      n = words_.gap;
    } else if (text_.substr(pos_, 2) == ".." && pos_ + 2 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + 2]))) {
      pos_ += 2;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) n = n * 10 + (text_[pos_++] - '0');
      if (n < 1 || n > 20) return set_error("a gap must be ..1 to ..20");
    } else {
      return set_error("a stray '.' (write ... for a gap, or ..N)");
    }
    out = "(?:" + std::string(kAnyWord) + " ){0," + std::to_string(n) + "}";
    return true;
  }

  // One written item: a word, a prefix (word*), or @list, as phrases of stems, with their first words.
  bool written_item(std::vector<std::string>& phrases, std::vector<PatternKey>& keys) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) && std::string_view("()[]|").find(text_[pos_]) == std::string_view::npos &&
           !(text_[pos_] == '?' && pos_ > start))
      ++pos_;
    const std::string item(text_.substr(start, pos_ - start));
    if (item.empty()) return set_error(std::string("unexpected '") + text_[pos_] + "'");
    if (item[0] == '@') return list_words(item.substr(1), phrases, keys, 0);
    std::string one;
    if (!word_regex(item, one, keys)) return false;
    phrases.push_back(one);
    return true;
  }

  bool list_words(const std::string& name, std::vector<std::string>& phrases, std::vector<PatternKey>& keys, int depth) {
    if (depth > 4) return set_error("word lists nest more than four deep at @" + name);
    if (!words_.lists || !words_.lists->count(name)) return set_error("no word list called @" + name);
    for (const auto& entry : words_.lists->at(name)) {
      if (!entry.empty() && entry[0] == '@') {
        if (!list_words(entry.substr(1), phrases, keys, depth + 1)) return false;
        continue;
      }
      std::string phrase;
      if (!word_regex(entry, phrase, keys)) return false;
      phrases.push_back(phrase);
    }
    return true;
  }

  // A written word (or phrase, from a list) as a regex over the stream's "stem=word" tokens:
  // "w" matches the stem, "=w" the word exactly as read, "p*" a stem that starts so. Its first
  // word goes into `keys`.
  bool word_regex(const std::string& written, std::string& out, std::vector<PatternKey>& keys) {
    const std::string folded = fold_text(written);
    if (!folded.empty() && folded.back() == '*') {
      const std::string prefix = folded.substr(0, folded.size() - 1);
      if (prefix.size() < 3 || prefix.find_first_of(" *=") != std::string::npos)
        return set_error("a prefix needs at least three letters before its *: \"" + written + "\"");
      const std::string stemmed = stem_word(prefix);
      out = "(?:" + RE2::QuoteMeta(prefix) + (stemmed != prefix ? "|" + RE2::QuoteMeta(stemmed) : "") + ")[^ #=]*" + std::string(kWordTail);
      out_.prefixes.push_back(prefix);
      keys.push_back({PatternKey::Kind::prefix, prefix});
      if (stemmed != prefix) keys.push_back({PatternKey::Kind::prefix, stemmed});
      return true;
    }
    const bool exact = !folded.empty() && folded[0] == '=';
    std::vector<std::string> read;
    for (const auto& w : split_words(exact ? folded.substr(1) : folded))
      for (auto& r : words_.read(w.text)) read.push_back(std::move(r));
    if (read.empty()) return set_error("\"" + written + "\" has no letters or digits");
    for (std::size_t i = 0; i < read.size(); ++i) {
      const std::string& r = read[i];
      if (exact) {
        out += "[^ #=]*=" + RE2::QuoteMeta(r) + " ";
        if (i == 0) keys.push_back({PatternKey::Kind::word, r});
        continue;
      }
      const std::string stem = stem_word(r);
      (out += RE2::QuoteMeta(stem)) += kWordTail;
      out_.stems.push_back(stem);
      if (i == 0) keys.push_back({PatternKey::Kind::stem, stem});
    }
    return true;
  }

  // The alternatives, each once, with the one-word ones sharing their tail: "(?:mum|dad)=[^ #]* "
  // for "mum=[^ #]* |dad=[^ #]* ", in far less memory (a rule naming two lists of sixty words
  // compiled 120 copies of the tail). It matches what the list matched, with the same
  // preference: an ordered choice distributes over what follows it, and a one-word alternative
  // only moves ahead of phrases that start with other stems, which cannot match where it does.
  // Anything else (an exact word, a prefix, a gap) keeps its place.
  static std::vector<std::string> shared_tails(const std::vector<std::string>& alternatives) {
    std::set<std::string_view> seen, gathered;
    std::vector<std::string> out;
    std::vector<std::string_view> words, after;  // one-word stems gathered; phrases they moved ahead of
    auto flush = [&] {
      if (words.size() == 1) out.push_back(std::string(words[0]) + std::string(kWordTail));
      if (words.size() > 1) {
        std::string shared = "(?:";
        for (std::size_t i = 0; i < words.size(); ++i) (shared += i ? "|" : "") += words[i];
        out.push_back(shared + ")" + std::string(kWordTail));
      }
      for (auto p : after) out.emplace_back(p);
      words.clear();
      after.clear();
      gathered.clear();
    };
    auto starts_an_earlier_phrase = [&](std::string_view stem) {
      return std::any_of(after.begin(), after.end(), [&](std::string_view p) {
        const auto heads = first_stems(p);
        return std::find(heads.stems.begin(), heads.stems.end(), stem) != heads.stems.end();
      });
    };
    for (const std::string& a : alternatives) {
      if (!seen.insert(a).second) continue;
      const FirstStems first = first_stems(a);
      if (first.stems.empty()) {  // keeps its place
        flush();
        out.push_back(a);
      } else if (!first.whole) {  // a phrase of several words
        after.push_back(a);
      } else {
        if (std::any_of(first.stems.begin(), first.stems.end(), starts_an_earlier_phrase)) flush();
        for (auto stem : first.stems)
          if (gathered.insert(stem).second) words.push_back(stem);
      }
    }
    flush();
    return out;
  }

  // The stems an alternative of plain stems can start with: "mum" of "mum=[^ #]* ...", "mum" and
  // "dad" of "(?:mum|dad)=[^ #]* ...". None when it starts with an exact word, a prefix or a
  // gap, which may match where other stems do. `whole`: the alternative is that one word.
  struct FirstStems {
    std::vector<std::string_view> stems;
    bool whole = false;
  };
  static FirstStems first_stems(std::string_view alternative) {
    std::string_view head = alternative;
    std::size_t rest = 0;
    if (alternative.substr(0, 3) == "(?:") {
      const std::size_t close = alternative.find(')');
      if (close == std::string_view::npos) return {};
      head = alternative.substr(3, close - 3);
      rest = close + 1;
    } else {
      rest = alternative.find(kWordTail);
      if (rest == std::string_view::npos) return {};
      head = alternative.substr(0, rest);
    }
    // A backslash is a character RE2::QuoteMeta escaped ("a\\|b" from a spelling): such a stem
    // is not split on its bars, nor moved; it keeps its place.
    if (head.empty() || head.find_first_of("([)]\\") != std::string_view::npos || alternative.substr(rest, kWordTail.size()) != kWordTail) return {};
    FirstStems out;
    for (std::size_t at = 0;;) {
      const std::size_t bar = head.find('|', at);
      const std::string_view stem = head.substr(at, bar == std::string_view::npos ? std::string_view::npos : bar - at);
      if (stem.empty()) return {};
      out.stems.push_back(stem);
      if (bar == std::string_view::npos) break;
      at = bar + 1;
    }
    out.whole = rest + kWordTail.size() == alternative.size();
    return out;
  }

  // Alternatives as one item that a sequence can follow.
  static std::string one_of(const std::vector<std::string>& alternatives) {
    if (alternatives.size() == 1) return alternatives[0];
    std::string out = "(?:";
    for (std::size_t i = 0; i < alternatives.size(); ++i) (out += i ? "|" : "") += alternatives[i];
    return out + ")";
  }

  std::string_view text_;
  const PatternWords& words_;
  std::size_t pos_ = 0;
  std::string error_;
  CompiledPattern out_;
};

}  // namespace

Result<CompiledPattern> compile_safety_pattern(std::string_view pattern, const PatternWords& words) {
  return PatternCompiler(pattern, words).run();
}

}  // namespace rc
