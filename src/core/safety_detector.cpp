// See safety_detector.hpp.
#include "safety_detector.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <unordered_set>

#include "safety_pattern.hpp"
#include "safety_words.hpp"
#include "text_fold.hpp"
#include "word_stem.hpp"

namespace rc {

namespace {

constexpr int kMaxOccurrences = 32;  // per rule and text: bounds the work on a hostile text

struct Rule {
  std::unique_ptr<RE2> re;
  int groups = 0;
  std::size_t category = 0;  // harm rules only
  std::string level;         // harm rules: overrides the category's level
  bool looks_back = false;   // negation rules: "ruled out" reaches the words before it
  std::string text;
  int line = 0;
};

// Typed text as the detector reads it: " stem=word stem=word # stem=word " with where each word came from.
struct Stream {
  std::string text;
  std::vector<std::size_t> offsets;   // where each token starts in `text`
  std::vector<std::string> stems;     // each token ("#" for a sentence end)
  std::vector<int> origin;            // the typed word a token came from (-1 for "#")
  std::vector<std::string> typed;     // the typed words, folded
};

struct Span {
  int first = 0, last = 0;         // token indices, inclusive
  std::vector<int> marked;          // tokens matched by words (not gaps), for the evidence
};

RE2::Options rule_options() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  return o;
}

}  // namespace

struct SafetyDetector::Compiled {
  WordReader reader{{}};
  std::unique_ptr<SpellingFixer> fixer;
  std::vector<SafetyCategory> categories;  // patterns not kept: the rules hold them
  std::vector<Rule> harm, before, after, pseudo, not_harm;
  std::unique_ptr<RE2::Set> harm_set;
  std::unordered_set<std::string> ends;
  int window = 6;

  Stream stream_of(std::string_view text) const;
  std::vector<Span> occurrences(const Rule& rule, const Stream& s) const;
  std::string negation_reaching(const Span& m, const Stream& s, const std::vector<std::pair<const Rule*, Span>>& triggers) const;
  std::vector<int> matching_harm_rules(const Stream& s) const;
  SafetyReading read(std::string_view text, bool keep_dropped) const;
};

SafetyDetector::SafetyDetector() : c_(std::make_unique<Compiled>()) {}
SafetyDetector::~SafetyDetector() = default;

Stream SafetyDetector::Compiled::stream_of(std::string_view text) const {
  Stream s;
  s.text.reserve(text.size() + 16);
  s.text += ' ';
  auto push = [&](std::string stem, int origin, std::string_view read = {}) {
    s.offsets.push_back(s.text.size());
    s.text += stem;
    if (!read.empty()) {
      s.text += '=';
      s.text += read;
    }
    s.text += ' ';
    s.stems.push_back(std::move(stem));
    s.origin.push_back(origin);
  };
  const auto words = split_words(fold_text(text));
  s.typed.reserve(words.size());
  for (const auto& w : words) {
    const int index = static_cast<int>(s.typed.size());
    s.typed.push_back(w.text);
    if (w.after_break) push("#", -1);
    for (const auto& read : reader.expand(w.text)) {
      std::string stem = stem_word(read);
      if (fixer)
        if (std::string fixed = fixer->correct(stem, read); !fixed.empty()) stem = std::move(fixed);
      push(std::move(stem), index, read);
    }
  }
  return s;
}

std::vector<Span> SafetyDetector::Compiled::occurrences(const Rule& rule, const Stream& s) const {
  std::vector<Span> out;
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(rule.groups) + 1);
  auto token_at = [&](std::size_t offset) {  // the token starting at or after offset
    return static_cast<int>(std::lower_bound(s.offsets.begin(), s.offsets.end(), offset) - s.offsets.begin());
  };
  std::size_t pos = 0;
  while (pos < s.text.size() && static_cast<int>(out.size()) < kMaxOccurrences &&
         rule.re->Match(s.text, pos, s.text.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size()))) {
    const auto start = static_cast<std::size_t>(groups[0].data() - s.text.data());
    const auto end = start + groups[0].size();
    Span span{token_at(start + 1), token_at(end) - 1, {}};
    for (std::size_t g = 1; g < groups.size(); ++g) {
      if (!groups[g].data()) continue;
      const auto gs = static_cast<std::size_t>(groups[g].data() - s.text.data());
      for (int t = token_at(gs); t < static_cast<int>(s.offsets.size()) && s.offsets[t] < gs + groups[g].size(); ++t) span.marked.push_back(t);
    }
    out.push_back(std::move(span));
    pos = start + 1;
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
  auto clear_between = [&](int from, int to) {  // exclusive bounds
    if (to - from - 1 > window) return false;
    for (int t = from + 1; t < to; ++t)
      if (s.stems[t] == "#" || ends.count(s.stems[t])) return false;
    return true;
  };
  auto is_marked = [&](int token) { return std::find(m.marked.begin(), m.marked.end(), token) != m.marked.end(); };
  for (const auto& [rule, t] : triggers) {
    bool inside_words = false;
    for (int k = t.first; k <= t.last && !inside_words; ++k) inside_words = is_marked(k);
    if (inside_words) continue;
    if (!rule->looks_back) {
      auto next = std::find_if(m.marked.begin(), m.marked.end(), [&](int k) { return k > t.last; });
      if (next != m.marked.end() && clear_between(t.last, *next)) return "negation: " + rule->text;
    } else {
      auto prev = std::find_if(m.marked.rbegin(), m.marked.rend(), [&](int k) { return k < t.first; });
      if (prev != m.marked.rend() && clear_between(*prev, t.first)) return "negation: " + rule->text;
    }
  }
  return {};
}

std::vector<int> SafetyDetector::Compiled::matching_harm_rules(const Stream& s) const {
  std::vector<int> hits;
  RE2::Set::ErrorInfo info{RE2::Set::kNoError};
  if (harm_set->Match(s.text, &hits, &info) || info.kind == RE2::Set::kNoError) {
    std::sort(hits.begin(), hits.end());
    return hits;
  }
  // The set's DFA ran out of memory on this text: never miss a disclosure for that, so ask
  // each rule on its own (RE2 falls back to its NFA, still linear).
  hits.clear();
  for (std::size_t i = 0; i < harm.size(); ++i)
    if (RE2::PartialMatch(s.text, *harm[i].re)) hits.push_back(static_cast<int>(i));
  return hits;
}

SafetyReading SafetyDetector::Compiled::read(std::string_view text, bool keep_dropped) const {
  SafetyReading out;
  const Stream s = stream_of(text);
  if (keep_dropped) out.words = s.stems;
  const std::vector<int> hits = matching_harm_rules(s);
  if (hits.empty()) return out;

  // Negations and ordinary phrases are looked for only when something matched.
  std::vector<std::pair<const Rule*, Span>> triggers;
  std::vector<Span> pseudo_spans;
  for (const auto& r : pseudo)
    for (auto& sp : occurrences(r, s)) pseudo_spans.push_back(std::move(sp));
  auto inside_pseudo = [&](const Span& t) {  // "there is no" within "there is no doubt"
    return std::any_of(pseudo_spans.begin(), pseudo_spans.end(), [&](const Span& p) { return p.first <= t.last && t.first <= p.last; });
  };
  for (const auto* list : {&before, &after})
    for (const auto& r : *list)
      for (auto& sp : occurrences(r, s))
        if (!inside_pseudo(sp)) triggers.emplace_back(&r, std::move(sp));
  std::vector<std::pair<const Rule*, Span>> ordinary;
  for (const auto& r : not_harm)
    for (auto& sp : occurrences(r, s)) ordinary.emplace_back(&r, std::move(sp));

  for (int index : hits) {
    const Rule& rule = harm[static_cast<std::size_t>(index)];
    const SafetyCategory& cat = categories[rule.category];
    for (const Span& m : occurrences(rule, s)) {
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
      for (const auto& [r, o] : ordinary)
        if (!m.marked.empty() && std::find(o.marked.begin(), o.marked.end(), m.marked.front()) != o.marked.end()) {
          match.dropped_by = "ordinary phrase: " + r->text;
          break;
        }
      if (match.dropped_by.empty()) match.dropped_by = negation_reaching(m, s, triggers);
      const bool raised = match.dropped_by.empty();
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
  c.window = rules.negation.window;
  c.categories = rules.categories;
  PatternWords words{&rules.words, [&c](std::string_view w) { return c.reader.expand(w); }, rules.gap};
  std::vector<std::string> stems, prefixes;
  bool ok = true;

  auto add = [&](std::vector<Rule>& into, const SafetyPatternText& p, std::size_t category, const std::string& level, bool looks_back = false) {
    auto compiled = compile_safety_pattern(p.text, words);
    if (!compiled) {
      problems.push_back({Severity::error, rules.file, p.line, "safety_detector", "pattern \"" + p.text + "\": " + compiled.error().message});
      ok = false;
      return;
    }
    Rule r{std::make_unique<RE2>(compiled->regex, rule_options()), compiled->groups, category, level, looks_back, p.text, p.line};
    if (!r.re->ok()) {
      problems.push_back({Severity::error, rules.file, p.line, "safety_detector", "pattern \"" + p.text + "\" could not be compiled: " + r.re->error()});
      ok = false;
      return;
    }
    stems.insert(stems.end(), compiled->stems.begin(), compiled->stems.end());
    prefixes.insert(prefixes.end(), compiled->prefixes.begin(), compiled->prefixes.end());
    into.push_back(std::move(r));
  };

  for (std::size_t i = 0; i < rules.categories.size(); ++i)
    for (const auto& p : rules.categories[i].patterns) add(c.harm, p, i, p.level);
  for (const auto& p : rules.negation.before) add(c.before, p, 0, "");
  for (const auto& p : rules.negation.after) add(c.after, p, 0, "", true);
  for (const auto& p : rules.negation.pseudo) add(c.pseudo, p, 0, "");
  for (const auto& p : rules.not_harm) add(c.not_harm, p, 0, "");
  for (const auto& e : rules.negation.ends)
    for (const auto& w : split_words(fold_text(e)))
      for (const auto& read : c.reader.expand(w.text)) c.ends.insert(stem_word(read));
  if (!ok) return nullptr;
  if (c.harm.empty()) {
    problems.push_back({Severity::error, rules.file, rules.line, "safety_detector", "no harm patterns"});
    return nullptr;
  }

  RE2::Options set_options = rule_options();
  set_options.set_max_mem(64 << 20);  // one DFA for every rule: give it room, and fall back if it runs out
  c.harm_set = std::make_unique<RE2::Set>(set_options, RE2::UNANCHORED);
  for (const auto& r : c.harm) c.harm_set->Add(r.re->pattern(), nullptr);
  if (!c.harm_set->Compile()) {
    problems.push_back({Severity::error, rules.file, rules.line, "safety_detector", "the patterns are too many to compile together"});
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
  for (auto& m : c_->read(text, false).matches) {
    if (!m.dropped_by.empty()) continue;
    auto same = std::find_if(out.begin(), out.end(), [&](const Detection& d) { return d.category == m.detection.category; });
    if (same == out.end())
      out.push_back(std::move(m.detection));
    else if (m.detection.level == "immediate_danger")
      same->level = "immediate_danger";
  }
  return out;
}

SafetyReading SafetyDetector::read(std::string_view text) const { return c_->read(text, true); }

bool SafetyDetector::corrects_spelling() const { return c_->fixer && c_->fixer->has_dictionary(); }

std::size_t SafetyDetector::pattern_count() const { return c_->harm.size(); }

}  // namespace rc
