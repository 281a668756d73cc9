// See safety_detector.hpp.
#include "safety_detector.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "safety_pattern.hpp"
#include "safety_words.hpp"
#include "dialect_words.hpp"
#include "text_fold.hpp"
#include "word_stem.hpp"

namespace rc {

namespace {

constexpr int kMaxOccurrences = 32;  // per rule and text: bounds the work on a hostile text

// Latin-1: the rules match bytes of the word stream. In UTF-8 mode every `[^ #]` compiles to an
// automaton over multi-byte characters; as bytes it matches the same (a non-ASCII letter is
// bytes that are neither a space nor '#' either way) in less memory (about 2 MB less over the
// shipped rules).
RE2::Options rule_options() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  return o;
}

// A rule's expression, compiled the first time a text holds the rule's words. Most rules wait
// for words few texts hold, and the shipped rules compiled are about 12 MB: held from start-up,
// they were a fifth of the server's memory with 10,000 idle connections (issue 18). The load
// compiles each once to check it, so an expression that compiles then compiles here too (RE2 is
// deterministic). Safe from several threads.
class LazyRegex {
 public:
  explicit LazyRegex(std::string pattern) : pattern_(std::move(pattern)) {}
  const RE2& get() const {
    std::call_once(once_, [this] { re_ = std::make_unique<RE2>(pattern_, rule_options()); });
    return *re_;
  }

 private:
  std::string pattern_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<RE2> re_;
};


struct Rule {
  std::unique_ptr<LazyRegex> re;
  int groups = 0;
  std::size_t category = 0;  // harm rules only
  std::string level;         // harm rules: overrides the category's level
  bool looks_back = false;   // negation rules: "ruled out" reaches the words before it
  std::string text;
  int line = 0;
  // The key numbers a match starts with, sorted: searches start only at tokens that carry one
  // (anchored, so a miss costs a few bytes, not the sentence). Empty: search the whole sentence.
  std::vector<int> starts_with;
};

// One word a typed word stands for ("i'm" stands for "i" and "am"): the word, its stem after the
// spelling fixer, and the numbers of the rule keys it carries.
struct WordReading {
  std::string read, stem;
  std::vector<int> keys;
};
using WordReadings = std::vector<WordReading>;

// Typed text as the detector reads it: " stem=word stem=word # stem=word " with where each word came from.
struct Stream {
  std::string text;
  std::vector<std::size_t> offsets;   // where each token starts in `text`
  std::vector<std::string> stems;     // each token ("#" for a sentence end)
  std::vector<std::string> reads;     // each token's word as read (before stemming)
  std::vector<int> origin;            // the typed word a token came from (-1 for "#")
  std::vector<const std::vector<int>*> keys;  // each token's key numbers (null for "#")
  std::vector<char> comma_before;     // a comma stands before the token
  std::vector<char> clause_start;     // ... and the token starts a new clause ("no x, dad hits him")
  std::vector<std::shared_ptr<const WordReadings>> held;  // keeps `keys` alive
  std::vector<std::string> typed;     // the typed words, folded
  // Each sentence's tokens [first, last) and its bytes in `text` (from the space before its
  // first token to the space after its last): patterns never cross a sentence end, so each
  // rule is only run on the sentences that hold its words.
  struct Sentence {
    int first = 0, last = 0;
    std::size_t begin = 0, end = 0;
  };
  std::vector<Sentence> sentences;
};

// A rule that may match in one sentence.
struct Hit {
  int rule = 0, sentence = 0;
};

// Rules with an index of the words each cannot match without: only the rules whose every
// keyed item has a word in the text are run. This keeps the work per message proportional to
// the words present, not to the number of rules (one combined automaton of 1,500 patterns with
// gaps was measured at hundreds of microseconds per message).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Every word any rule keys on, numbered, by kind: a sentence's words become a set of numbers
// once, and every rule set checks its keys against that set without hashing again.
class KeyTable {
 public:
  int id_of(const PatternKey& k) {
    auto& map = index(k.kind);
    auto [it, fresh] = map.emplace(k.text, count_);
    if (fresh) {
      ++count_;
      if (k.kind == PatternKey::Kind::prefix) longest_prefix_ = std::max(longest_prefix_, k.text.size());
    }
    return it->second;
  }
  int find(PatternKey::Kind kind, std::string_view text) const {
    const auto& map = kind == PatternKey::Kind::stem ? stems_ : kind == PatternKey::Kind::word ? words_ : prefixes_;
    auto it = map.find(text);
    return it == map.end() ? -1 : it->second;
  }
  int size() const { return count_; }
  std::size_t longest_prefix() const { return longest_prefix_; }

 private:
  StringMap<int>& index(PatternKey::Kind kind) { return kind == PatternKey::Kind::stem ? stems_ : kind == PatternKey::Kind::word ? words_ : prefixes_; }
  StringMap<int> stems_, words_, prefixes_;
  int count_ = 0;
  std::size_t longest_prefix_ = 0;
};

// The keys present in one sentence: their numbers, and a mark per number.
struct PresentKeys {
  std::vector<int> ids;
  std::vector<unsigned char> marked;  // indexed by key number
  bool has(int id) const { return marked[static_cast<std::size_t>(id)] != 0; }
};

// Where each key is in the text, as (key number, token) pairs sorted: a rule's searches start
// only at the tokens that carry one of its first words.
struct KeyPlaces {
  std::vector<std::pair<int, int>> places;
  // The tokens in [first, last) carrying any of `ids` (sorted key numbers present in the sentence).
  void tokens_with(const std::vector<int>& ids, const PresentKeys& present, int first, int last, std::vector<int>& out) const {
    out.clear();
    for (int id : ids) {
      if (!present.has(id)) continue;
      auto it = std::lower_bound(places.begin(), places.end(), std::pair<int, int>{id, first});
      for (; it != places.end() && it->first == id && it->second < last; ++it) out.push_back(it->second);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
};

class RuleSet {
 public:
  void add(Rule rule, const CompiledPattern& c, KeyTable& keys) {
    std::vector<std::vector<int>> items;
    for (const auto& item : c.required) {
      std::vector<int> ids;
      for (const auto& k : item) ids.push_back(keys.id_of(k));
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      items.push_back(std::move(ids));
    }
    required_.push_back(std::move(items));
    rules_.push_back(std::move(rule));
  }

  // Indexes each rule under its most selective item (the one whose words the fewest rules
  // share); the rule's other items are checked only when that one is present.
  void finalize(int key_count) {
    std::vector<int> uses(static_cast<std::size_t>(key_count), 0);
    for (const auto& items : required_)
      for (const auto& item : items)
        for (int id : item) ++uses[static_cast<std::size_t>(id)];
    postings_.assign(static_cast<std::size_t>(key_count), {});
    anchor_.assign(rules_.size(), -1);
    for (std::size_t r = 0; r < rules_.size(); ++r) {
      long best = -1;
      for (std::size_t i = 0; i < required_[r].size(); ++i) {
        long cost = 0;
        for (int id : required_[r][i]) cost += uses[static_cast<std::size_t>(id)];
        if (best < 0 || cost < best) best = cost, anchor_[r] = static_cast<int>(i);
      }
      if (anchor_[r] < 0) {
        unkeyed_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      for (int id : required_[r][static_cast<std::size_t>(anchor_[r])]) postings_[static_cast<std::size_t>(id)].push_back(static_cast<std::uint32_t>(r));
    }
  }

  const Rule& operator[](std::size_t i) const { return rules_[i]; }
  std::size_t size() const { return rules_.size(); }

  // The rules that may match, sentence by sentence, in rule order.
  std::vector<Hit> candidates(const std::vector<PresentKeys>& present) const {
    std::vector<Hit> out;
    std::vector<std::uint32_t> anchored;
    for (std::size_t sentence = 0; sentence < present.size(); ++sentence) {
      const PresentKeys& p = present[sentence];
      anchored.clear();
      for (int id : p.ids) {
        const auto& list = postings_[static_cast<std::size_t>(id)];
        anchored.insert(anchored.end(), list.begin(), list.end());
      }
      anchored.insert(anchored.end(), unkeyed_.begin(), unkeyed_.end());
      std::sort(anchored.begin(), anchored.end());
      anchored.erase(std::unique(anchored.begin(), anchored.end()), anchored.end());
      for (std::uint32_t r : anchored)
        if (all_present(r, p)) out.push_back({static_cast<int>(r), static_cast<int>(sentence)});
    }
    std::stable_sort(out.begin(), out.end(), [](const Hit& a, const Hit& b) { return a.rule < b.rule; });
    return out;
  }

 private:
  bool all_present(std::uint32_t r, const PresentKeys& p) const {
    const auto& items = required_[r];
    for (std::size_t i = 0; i < items.size(); ++i)
      if (static_cast<int>(i) != anchor_[r] && std::none_of(items[i].begin(), items[i].end(), [&](int id) { return p.has(id); })) return false;
    return true;
  }

  std::vector<Rule> rules_;
  std::vector<std::vector<std::vector<int>>> required_;  // per rule, per required item, the numbers of its first words
  std::vector<int> anchor_;                               // the item each rule is indexed under
  std::vector<std::vector<std::uint32_t>> postings_;      // key number -> rules anchored on it
  std::vector<std::uint32_t> unkeyed_;
};

struct Span {
  int first = 0, last = 0;         // token indices, inclusive
  std::vector<int> marked;          // tokens matched by words (not gaps), for the evidence
};


}  // namespace

// The readings of words already seen: people use the same few thousand words, and reading one
// (contractions, stem, the dictionary behind the spelling fixer, the key lookups) costs far more
// than a lookup. Bounded: emptied when full. Safe from several threads; entries are shared, not
// copied.
class ReadingCache {
 public:
  using Entry = std::shared_ptr<const WordReadings>;
  template <class Read>
  Entry of(const std::string& word, Read&& read) {
    {
      std::shared_lock lock(mutex_);
      if (auto it = cache_.find(word); it != cache_.end()) return it->second;
    }
    Entry r = std::make_shared<const WordReadings>(read(word));
    std::unique_lock lock(mutex_);
    if (cache_.size() >= kLimit) cache_.clear();
    cache_.emplace(word, r);
    return r;
  }

 private:
  static constexpr std::size_t kLimit = 50000;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;
};

struct SafetyDetector::Compiled {
  WordReader reader{{}};
  DialectReader dialect;
  std::unique_ptr<SpellingFixer> fixer;
  std::vector<SafetyCategory> categories;  // patterns not kept: the rules hold them
  KeyTable keys;
  RuleSet harm, before, after, pseudo, not_harm;
  std::unordered_set<std::string> ends, clause_starts;
  int window = 6;

  Stream stream_of(std::string_view text) const;
  std::vector<Span> occurrences(const Rule& rule, const Stream& s, const KeyPlaces& places, const PresentKeys& present,
                                const Stream::Sentence& in) const;
  Span span_of(const Stream& s, const std::vector<re2::StringPiece>& groups) const;
  std::string negation_reaching(const Span& m, const Stream& s, const std::vector<std::pair<const Rule*, Span>>& triggers) const;
  SafetyReading read(std::string_view text, bool keep_dropped, bool one_per_category) const;
  std::vector<PresentKeys> present_keys(const Stream& s, KeyPlaces& places) const;
  WordReadings read_word(std::string_view word) const;
  std::vector<int> keys_of(std::string_view stem, std::string_view read) const;
  mutable ReadingCache readings;
};

SafetyDetector::SafetyDetector() : c_(std::make_unique<Compiled>()) {}
SafetyDetector::~SafetyDetector() = default;

// A typed word as the detector reads it: each word it stands for, with that word's stem
// (after the spelling fixer). `word` starts with an apostrophe when one stood before it.
WordReadings SafetyDetector::Compiled::read_word(std::string_view word) const {
  WordReadings out;
  const bool apostrophe_before = !word.empty() && word.front() == '\'';
  std::vector<std::string> reads;
  for (const auto& part : split_words(dialect.standard(apostrophe_before ? word.substr(1) : word, apostrophe_before)))
    for (auto& read : reader.expand(part.text)) reads.push_back(std::move(read));
  for (auto& read : reads) {
    std::string stem = stem_word(read);
    if (fixer)
      if (std::string fixed = fixer->correct(stem, read); !fixed.empty()) stem = std::move(fixed);
    std::vector<int> ids = keys_of(stem, read);
    out.push_back({std::move(read), std::move(stem), std::move(ids)});
  }
  return out;
}

// The numbers of the keys a word carries: its stem, the word itself, each prefix of its stem.
std::vector<int> SafetyDetector::Compiled::keys_of(std::string_view stem, std::string_view read) const {
  std::vector<int> ids;
  auto add = [&](int id) {
    if (id >= 0 && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  };
  add(keys.find(PatternKey::Kind::stem, stem));
  add(keys.find(PatternKey::Kind::word, read));
  for (std::size_t len = 3; len <= std::min(stem.size(), keys.longest_prefix()); ++len) add(keys.find(PatternKey::Kind::prefix, stem.substr(0, len)));
  return ids;
}

Stream SafetyDetector::Compiled::stream_of(std::string_view text) const {
  Stream s;
  s.text.reserve(text.size() + 16);
  s.text += ' ';
  auto push = [&](std::string stem, int origin, std::string_view read = {}, const std::vector<int>* ids = nullptr, bool comma = false) {
    s.comma_before.push_back(comma);
    s.clause_start.push_back(comma && clause_starts.count(stem) != 0);
    s.offsets.push_back(s.text.size());
    s.text += stem;
    if (!read.empty()) {
      s.text += '=';
      s.text += read;
    }
    s.text += ' ';
    s.stems.push_back(std::move(stem));
    s.reads.emplace_back(read);
    s.origin.push_back(origin);
    s.keys.push_back(ids);
  };
  const auto words = split_words(fold_text(text));
  s.typed.reserve(words.size());
  for (const auto& w : words) {
    const int index = static_cast<int>(s.typed.size());
    s.typed.push_back(w.text);
    if (w.after_break) push("#", -1);
    auto entry = readings.of(w.apostrophe_before ? "'" + w.text : w.text, [&](std::string_view word) { return read_word(word); });
    bool comma = w.after_comma;
    for (const auto& r : *entry) {
      push(r.stem, index, r.read, &r.keys, comma);
      comma = false;
    }
    s.held.push_back(std::move(entry));
  }
  const int n = static_cast<int>(s.stems.size());
  for (int t = 0, first = 0; t <= n; ++t) {
    if (t < n && s.stems[static_cast<std::size_t>(t)] != "#") continue;
    if (t > first)
      s.sentences.push_back({first, t, s.offsets[static_cast<std::size_t>(first)] - 1, t < n ? s.offsets[static_cast<std::size_t>(t)] : s.text.size()});
    first = t + 1;
  }
  return s;
}

std::vector<PresentKeys> SafetyDetector::Compiled::present_keys(const Stream& s, KeyPlaces& places) const {
  std::vector<PresentKeys> out(s.sentences.size());
  places.places.clear();
  for (std::size_t i = 0; i < s.sentences.size(); ++i) {
    PresentKeys& p = out[i];
    p.marked.assign(static_cast<std::size_t>(keys.size()), 0);
    for (int t = s.sentences[i].first; t < s.sentences[i].last; ++t) {
      const std::vector<int>* ids = s.keys[static_cast<std::size_t>(t)];
      if (!ids) continue;
      for (int id : *ids) {
        places.places.emplace_back(id, t);
        if (p.marked[static_cast<std::size_t>(id)]) continue;
        p.marked[static_cast<std::size_t>(id)] = 1;
        p.ids.push_back(id);
      }
    }
  }
  std::sort(places.places.begin(), places.places.end());
  return out;
}

// A match's tokens: its first and last, and the words (not gaps) it matched, for the evidence.
Span SafetyDetector::Compiled::span_of(const Stream& s, const std::vector<re2::StringPiece>& groups) const {
  auto token_at = [&](std::size_t offset) {  // the token starting at or after offset
    return static_cast<int>(std::lower_bound(s.offsets.begin(), s.offsets.end(), offset) - s.offsets.begin());
  };
  const auto start = static_cast<std::size_t>(groups[0].data() - s.text.data());
  const auto end = start + groups[0].size();
  Span span{token_at(start + 1), token_at(end) - 1, {}};
  for (std::size_t g = 1; g < groups.size(); ++g) {
    if (!groups[g].data()) continue;
    const auto gs = static_cast<std::size_t>(groups[g].data() - s.text.data());
    for (int t = token_at(gs); t < static_cast<int>(s.offsets.size()) && s.offsets[t] < gs + groups[g].size(); ++t) span.marked.push_back(t);
  }
  return span;
}

std::vector<Span> SafetyDetector::Compiled::occurrences(const Rule& rule, const Stream& s, const KeyPlaces& places, const PresentKeys& present,
                                                       const Stream::Sentence& in) const {
  std::vector<Span> out;
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(rule.groups) + 1);
  const int ngroups = static_cast<int>(groups.size());
  if (!rule.starts_with.empty()) {
    // A match starts at the space before a token that carries one of the rule's first words:
    // try only there, anchored. Most rules that get this far fail within a few words.
    thread_local std::vector<int> starts;
    places.tokens_with(rule.starts_with, present, in.first, in.last, starts);
    for (int t : starts) {
      if (static_cast<int>(out.size()) >= kMaxOccurrences) break;
      const std::size_t at = s.offsets[static_cast<std::size_t>(t)] - 1;
      if (!rule.re->get().Match(s.text, at, in.end, RE2::ANCHOR_START, nullptr, 0)) continue;
      if (rule.re->get().Match(s.text, at, in.end, RE2::ANCHOR_START, groups.data(), ngroups)) out.push_back(span_of(s, groups));
    }
    return out;
  }
  // Most candidates do not match: a match-or-not check (a DFA pass, no submatches) comes first.
  if (!rule.re->get().Match(s.text, in.begin, in.end, RE2::UNANCHORED, nullptr, 0)) return out;
  std::size_t pos = in.begin;
  while (pos < in.end && static_cast<int>(out.size()) < kMaxOccurrences && rule.re->get().Match(s.text, pos, in.end, RE2::UNANCHORED, groups.data(), ngroups)) {
    out.push_back(span_of(s, groups));
    pos = static_cast<std::size_t>(groups[0].data() - s.text.data()) + 1;
  }
  return out;
}

// The negation that cancels a match, as written in the rules, or "" when none reaches it. A
// negation reaches forward (before-rules) or back (after-rules) up to `window` words, never past
// a sentence end or a word such as "but", to a word of the match. A negation that is itself a
// word of the match ("not safe to go home") is part of the harm, not a negation of it; one in a
// gap of the match ("mum is not drunk") still negates.
std::string SafetyDetector::Compiled::negation_reaching(const Span& m, const Stream& s,
                                                        const std::vector<std::pair<const Rule*, Span>>& triggers) const {
  // Whether a negation reaches from one token to another (exclusive bounds): not past `window`
  // words, a sentence end or a word in `ends`; forwards not into a new clause after a comma,
  // backwards not over a comma at all ("dad hits him, no concerns with his learning").
  auto clear_between = [&](int from, int to, bool looking_back) {
    if (to - from - 1 > window) return false;
    for (int t = from + 1; t < to; ++t)
      if (s.stems[t] == "#" || ends.count(s.stems[t])) return false;
    for (int t = from + 1; t <= to; ++t)
      if (looking_back ? s.comma_before[t] : s.clause_start[t]) return false;
    return true;
  };
  auto is_marked = [&](int token) { return std::find(m.marked.begin(), m.marked.end(), token) != m.marked.end(); };
  for (const auto& [rule, t] : triggers) {
    bool inside_words = false;
    for (int k = t.first; k <= t.last && !inside_words; ++k) inside_words = is_marked(k);
    if (inside_words) continue;
    if (!rule->looks_back) {
      auto next = std::find_if(m.marked.begin(), m.marked.end(), [&](int k) { return k > t.last; });
      if (next != m.marked.end() && clear_between(t.last, *next, false)) return "negation: " + rule->text;
    } else {
      auto prev = std::find_if(m.marked.rbegin(), m.marked.rend(), [&](int k) { return k < t.first; });
      if (prev != m.marked.rend() && clear_between(*prev, t.first, true)) return "negation: " + rule->text;
    }
  }
  return {};
}

SafetyReading SafetyDetector::Compiled::read(std::string_view text, bool keep_dropped, bool one_per_category) const {
  SafetyReading out;
  const Stream s = stream_of(text);
  if (keep_dropped) out.words = s.stems;
  KeyPlaces places;
  const std::vector<PresentKeys> present = present_keys(s, places);
  const std::vector<Hit> hits = harm.candidates(present);
  if (hits.empty()) return out;

  // Negations and ordinary phrases are looked for only in a sentence where a harm rule matched,
  // the first time one does.
  auto spans = [&](const RuleSet& set, const Hit& h) {
    return occurrences(set[static_cast<std::size_t>(h.rule)], s, places, present[static_cast<std::size_t>(h.sentence)],
                       s.sentences[static_cast<std::size_t>(h.sentence)]);
  };
  struct Context {
    bool ready = false;
    std::vector<std::pair<const Rule*, Span>> triggers, ordinary;
  };
  std::vector<Context> contexts(s.sentences.size());
  std::optional<std::vector<Hit>> pseudo_hits, before_hits, after_hits, ordinary_hits;
  auto context_of = [&](int sentence) -> const Context& {
    Context& c = contexts[static_cast<std::size_t>(sentence)];
    if (c.ready) return c;
    c.ready = true;
    if (!pseudo_hits) {
      pseudo_hits = pseudo.candidates(present);
      before_hits = before.candidates(present);
      after_hits = after.candidates(present);
      ordinary_hits = not_harm.candidates(present);
    }
    std::vector<Span> pseudo_spans;
    for (const Hit& h : *pseudo_hits)
      if (h.sentence == sentence)
        for (auto& sp : spans(pseudo, h)) pseudo_spans.push_back(std::move(sp));
    auto inside_pseudo = [&](const Span& t) {  // "there is no" within "there is no doubt"
      return std::any_of(pseudo_spans.begin(), pseudo_spans.end(), [&](const Span& p) { return p.first <= t.last && t.first <= p.last; });
    };
    for (auto [set, hits_of] : {std::pair{&before, &*before_hits}, std::pair{&after, &*after_hits}})
      for (const Hit& h : *hits_of)
        if (h.sentence == sentence)
          for (auto& sp : spans(*set, h))
            if (!inside_pseudo(sp)) c.triggers.emplace_back(&(*set)[static_cast<std::size_t>(h.rule)], std::move(sp));
    for (const Hit& h : *ordinary_hits)
      if (h.sentence == sentence)
        for (auto& sp : spans(not_harm, h)) c.ordinary.emplace_back(&not_harm[static_cast<std::size_t>(h.rule)], std::move(sp));
    return c;
  };

  std::vector<bool> raised_category(categories.size(), false);
  for (const Hit& hit : hits) {
    const Rule& rule = harm[static_cast<std::size_t>(hit.rule)];
    if (one_per_category && raised_category[rule.category]) continue;  // detect() needs one reason per category
    const SafetyCategory& cat = categories[rule.category];
    for (const Span& m : spans(harm, hit)) {
      SafetyReading::Match match;
      Detection& d = match.detection;
      d.category = cat.id;
      d.label = cat.label;
      d.level = rule.level.empty() ? cat.level : rule.level;
      d.pattern = rule.text;
      d.line = rule.line;
      int last_origin = -2;
      for (int t : m.marked)
        if (s.origin[t] >= 0 && s.origin[t] != last_origin) {
          d.words.push_back(s.typed[static_cast<std::size_t>(s.origin[t])]);
          last_origin = s.origin[t];
        }
      // Inside an ordinary phrase: the match's first word is one of the phrase's own words
      // ("kicked" of "kicked off at break"); "says he fell" keeps its worry though "fell" is
      // ordinary, and words in the phrase's gaps are not excused.
      const Context& context = context_of(hit.sentence);
      for (const auto& [r, o] : context.ordinary)
        if (!m.marked.empty() && std::find(o.marked.begin(), o.marked.end(), m.marked.front()) != o.marked.end()) {
          match.dropped_by = "ordinary phrase: " + r->text;
          break;
        }
      if (match.dropped_by.empty()) match.dropped_by = negation_reaching(m, s, context.triggers);
      const bool raised = match.dropped_by.empty();
      if (raised) raised_category[rule.category] = true;
      if (raised || keep_dropped) out.matches.push_back(std::move(match));
      if (raised && !keep_dropped) break;  // one raised match per rule is enough
    }
  }
  return out;
}

std::shared_ptr<const SafetyDetector> SafetyDetector::compile(const SafetyDetectorRules& rules, std::shared_ptr<const KnownWords> dictionary,
                                                              Problems& problems) {
  std::shared_ptr<SafetyDetector> d(new SafetyDetector());
  Compiled& c = *d->c_;
  c.reader = WordReader(rules.spellings);
  c.dialect = DialectReader(dictionary);
  c.window = rules.negation.window;
  c.categories = rules.categories;
  PatternWords words{&rules.words, [&c](std::string_view w) { return c.reader.expand(w); }, rules.gap};
  std::vector<std::string> stems, prefixes;
  bool ok = true;

  auto add = [&](RuleSet& into, const SafetyPatternText& p, std::size_t category, const std::string& level, bool looks_back = false) {
    auto compiled = compile_safety_pattern(p.text, words);
    if (!compiled) {
      problems.push_back({Severity::error, rules.file, p.line, "safety_detector", "pattern \"" + p.text + "\": " + compiled.error().message});
      ok = false;
      return;
    }
    const RE2 check(compiled->regex, rule_options());
    if (!check.ok()) {
      problems.push_back({Severity::error, rules.file, p.line, "safety_detector", "pattern \"" + p.text + "\" could not be compiled: " + check.error()});
      ok = false;
      return;
    }
    Rule r{std::make_unique<LazyRegex>(std::move(compiled->regex)), compiled->groups, category, level, looks_back, p.text, p.line, {}};
    for (const auto& k : compiled->starts_with) r.starts_with.push_back(c.keys.id_of(k));
    std::sort(r.starts_with.begin(), r.starts_with.end());
    r.starts_with.erase(std::unique(r.starts_with.begin(), r.starts_with.end()), r.starts_with.end());
    stems.insert(stems.end(), compiled->stems.begin(), compiled->stems.end());
    prefixes.insert(prefixes.end(), compiled->prefixes.begin(), compiled->prefixes.end());
    into.add(std::move(r), *compiled, c.keys);
  };

  for (std::size_t i = 0; i < rules.categories.size(); ++i)
    for (const auto& p : rules.categories[i].patterns) add(c.harm, p, i, p.level);
  for (const auto& p : rules.negation.before) add(c.before, p, 0, "");
  for (const auto& p : rules.negation.after) add(c.after, p, 0, "", true);
  for (const auto& p : rules.negation.pseudo) add(c.pseudo, p, 0, "");
  for (const auto& p : rules.not_harm) add(c.not_harm, p, 0, "");
  // A list of words, stemmed as typed words are read.
  auto stems_of = [&c](const std::vector<std::string>& list, std::unordered_set<std::string>& into) {
    for (const auto& e : list)
      for (const auto& w : split_words(fold_text(e)))
        for (const auto& read : c.reader.expand(w.text)) into.insert(stem_word(read));
  };
  stems_of(rules.negation.ends, c.ends);
  stems_of(rules.negation.clause_starts, c.clause_starts);
  if (!ok) return nullptr;
  for (RuleSet* set : {&c.harm, &c.before, &c.after, &c.pseudo, &c.not_harm}) set->finalize(c.keys.size());
  if (c.harm.size() == 0) {
    problems.push_back({Severity::error, rules.file, rules.line, "safety_detector", "no harm patterns"});
    return nullptr;
  }
  std::vector<std::string> known;
  for (const auto& w : rules.known_words)
    for (const auto& fw : split_words(fold_text(w))) known.push_back(fw.text);
  c.fixer = std::make_unique<SpellingFixer>(stems, prefixes, std::move(dictionary), known);
  return d;
}

std::vector<Detection> SafetyDetector::detect(std::string_view text) const {
  std::vector<Detection> out;
  for (auto& m : c_->read(text, false, true).matches) {
    if (!m.dropped_by.empty()) continue;
    auto same = std::find_if(out.begin(), out.end(), [&](const Detection& d) { return d.category == m.detection.category; });
    if (same == out.end())
      out.push_back(std::move(m.detection));
    else if (m.detection.level == "immediate_danger")
      same->level = "immediate_danger";
  }
  return out;
}

SafetyReading SafetyDetector::read(std::string_view text) const { return c_->read(text, true, false); }

bool SafetyDetector::corrects_spelling() const { return c_->fixer && c_->fixer->has_dictionary(); }

std::size_t SafetyDetector::pattern_count() const { return c_->harm.size(); }

}  // namespace rc
