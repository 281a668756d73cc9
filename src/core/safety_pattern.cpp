// See safety_pattern.hpp.
#include "safety_pattern.hpp"

#include <re2/re2.h>

#include <optional>
#include <set>

#include "text_fold.hpp"
#include "word_stem.hpp"

namespace rc {
namespace {

constexpr const char* kAnyWord = "[^ #]+";

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
  // `first` gets the keys of the sequence's first item.
  bool sequence(std::string& out, char close, bool top, bool& has_words, Keys& first) {
    bool at_start = true;
    for (;;) {
      skip_spaces();
      if (pos_ >= text_.size()) return close == 0 || set_error(std::string("missing '") + close + "'");
      const char c = text_[pos_];
      if (close && (c == close || c == '|')) return true;
      if (c == ')' || c == ']' || c == '|') return set_error(std::string("unexpected '") + c + "'");
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
      if (c == '(' || c == '[') {
        ++pos_;
        std::string alts;
        if (!alternatives(alts, c == '(' ? ')' : ']', has_words, keys)) return false;
        optional = c == '[';
        if (!optional && pos_ < text_.size() && text_[pos_] == '?') {
          optional = true;
          ++pos_;
        }
        item = "(?:" + alts + ")" + (optional ? "?" : "");
      } else {
        std::vector<std::string> phrases;
        std::vector<PatternKey> word_keys;
        if (!written_item(phrases, word_keys)) return false;
        item = "(?:" + join_phrases(phrases) + ")";
        keys = std::move(word_keys);
        has_words = true;
      }
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

  bool alternatives(std::string& out, char close, bool& has_words, Keys& keys) {
    keys.emplace();
    for (;;) {
      std::string seq;
      bool seq_words = false;
      Keys first;
      if (!sequence(seq, close, false, seq_words, first)) return false;
      if (seq.empty()) return set_error("an empty alternative");
      has_words = has_words || seq_words;
      if (keys && first)
        keys->insert(keys->end(), first->begin(), first->end());
      else
        keys.reset();  // one alternative we cannot key: the group cannot be keyed
      out += (out.empty() ? "" : "|") + seq;
      const char c = text_[pos_++];  // sequence() stopped at '|' or close
      if (c == close) return true;
    }
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
      out = "(?:" + RE2::QuoteMeta(prefix) + (stemmed != prefix ? "|" + RE2::QuoteMeta(stemmed) : "") + ")[^ #=]*=[^ #]* ";
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
      out += RE2::QuoteMeta(stem) + "=[^ #]* ";
      out_.stems.push_back(stem);
      if (i == 0) keys.push_back({PatternKey::Kind::stem, stem});
    }
    return true;
  }

  static std::string join_phrases(const std::vector<std::string>& phrases) {
    std::set<std::string> seen;
    std::string out;
    for (const auto& p : phrases)
      if (seen.insert(p).second) out += (out.empty() ? "" : "|") + p;
    return out;
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
