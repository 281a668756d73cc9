// See safety_rules.hpp.
#include "safety_rules.hpp"

#include "yaml_fields.hpp"

namespace rc {
namespace {

// A pattern is text, or {pattern: "...", level: immediate_danger}.
std::vector<SafetyPatternText> pattern_list(const YamlValue* list, const char* what, YamlFields& f, const std::string& file,
                                            Problems& problems) {
  std::vector<SafetyPatternText> out;
  if (!list) return out;
  if (!list->is_sequence()) {
    f.problem(std::string(what) + " must be a list of patterns", list->line);
    return out;
  }
  for (const auto& item : list->items) {
    if (item.is_scalar()) {
      out.push_back({item.scalar, {}, item.line});
      continue;
    }
    if (!item.is_map()) {
      f.problem(std::string(what) + ": each pattern must be text or {pattern, level}", item.line);
      continue;
    }
    YamlFields pf(item, file, problems, f.owner());
    SafetyPatternText p{pf.text("pattern", true), pf.text("level"), item.line};
    pf.report_unknown_keys();
    if (!p.level.empty() && p.level != "immediate_danger" && p.level != "significant_harm")
      pf.problem("level must be immediate_danger or significant_harm, not \"" + p.level + "\"");
    out.push_back(std::move(p));
  }
  return out;
}

void parse_words(const YamlValue* map, YamlFields& f, SafetyDetectorRules& r) {
  if (!map) return;
  if (!map->is_map()) return f.problem("words must map a list name to its words", map->line);
  for (const auto& [k, list] : map->entries) {
    if (!list.is_sequence()) {
      f.problem("words." + k.scalar + " must be a list", list.line);
      continue;
    }
    if (r.words.count(k.scalar)) {
      f.problem("word list \"" + k.scalar + "\" is defined twice", k.line);
      continue;
    }
    auto& out = r.words[k.scalar];
    r.word_lines[k.scalar] = k.line;
    for (const auto& w : list.items) {
      if (w.is_scalar() && !w.scalar.empty())
        out.push_back(w.scalar);
      else
        f.problem("words." + k.scalar + ": each word must be text", w.line);
    }
  }
}

void parse_categories(const YamlValue* list, YamlFields& f, const std::string& file, SafetyDetectorRules& r, Problems& problems) {
  if (!list || !list->is_sequence()) return f.problem("categories must be a list", list ? list->line : f.line());
  for (const auto& item : list->items) {
    if (!item.is_map()) {
      f.problem("each category must be a mapping (id, label, level, patterns)", item.line);
      continue;
    }
    YamlFields cf(item, file, problems, "safety_detector");
    SafetyCategory c;
    c.id = cf.text("id", true);
    cf.set_owner(c.id);
    c.label = cf.text("label", true);
    c.line = item.line;
    if (auto level = cf.text("level"); !level.empty()) c.level = level;
    if (c.level != "immediate_danger" && c.level != "significant_harm")
      cf.problem("level must be immediate_danger or significant_harm, not \"" + c.level + "\"");
    c.patterns = pattern_list(cf.raw("patterns"), "patterns", cf, file, problems);
    if (c.patterns.empty()) cf.problem("a category needs at least one pattern");
    cf.report_unknown_keys();
    if (r.category(c.id)) {
      cf.problem("category \"" + c.id + "\" is defined twice");
      continue;
    }
    r.categories.push_back(std::move(c));
  }
}

void parse_negation(const YamlValue* map, const std::string& file, SafetyDetectorRules& r, Problems& problems) {
  if (!map) return;
  if (!map->is_map()) {
    problems.push_back({Severity::error, file, map->line, "safety_detector", "negation must be a mapping"});
    return;
  }
  YamlFields nf(*map, file, problems, "negation");
  auto& n = r.negation;
  n.before = pattern_list(nf.raw("before"), "negation.before", nf, file, problems);
  n.after = pattern_list(nf.raw("after"), "negation.after", nf, file, problems);
  n.pseudo = pattern_list(nf.raw("pseudo"), "negation.pseudo", nf, file, problems);
  n.ends = nf.text_list("ends");
  n.clause_starts = nf.text_list("clause_starts");
  if (auto w = nf.text("window"); !w.empty()) {
    n.window = std::atoi(w.c_str());
    if (n.window < 1 || n.window > 20) nf.problem("window must be a number of words from 1 to 20");
  }
  nf.report_unknown_keys();
}

}  // namespace

void parse_safety_detector(const YamlValue& section, const std::string& file, SafetyDetectorRules& r, Problems& problems) {
  if (!section.is_map()) {
    problems.push_back({Severity::error, file, section.line, "", "\"safety_detector\" must be a mapping"});
    return;
  }
  if (!r.file.empty()) {
    problems.push_back({Severity::error, file, section.line, "", "a second \"safety_detector\" section (the first is in " + r.file + ")"});
    return;
  }
  YamlFields f(section, file, problems, "safety_detector");
  r.file = file;
  r.line = f.line();
  if (auto gap = f.text("gap"); !gap.empty()) {
    r.gap = std::atoi(gap.c_str());
    if (r.gap < 1 || r.gap > 12) f.problem("gap must be a number of words from 1 to 12");
  }
  r.spellings = f.text_map("spellings");
  // What a spelling stands for is read as words: anything else (a bar, an equals sign) would be
  // read into the detector's word stream as if it were part of its syntax.
  for (const auto& [typed, meant] : r.spellings)
    if (meant.empty() || meant.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789' ") != std::string::npos)
      f.problem("spellings: \"" + typed + "\" must stand for lower-case words (letters, digits, apostrophes, spaces), not \"" + meant + "\"");
  r.known_words = f.text_list("known_words");
  parse_words(f.raw("words"), f, r);
  parse_categories(f.raw("categories"), f, file, r, problems);
  parse_negation(f.raw("negation"), file, r, problems);
  r.not_harm = pattern_list(f.raw("not_harm"), "not_harm", f, file, problems);
  f.report_unknown_keys();
}

}  // namespace rc
