// See safety_corpus.hpp.
#include "safety_corpus.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace rc {
namespace {

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return {};
  const auto b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::string percent(int part, int whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * part / whole : 0.0);
  return buf;
}

std::string ratio(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", r);
  return buf;
}

std::string why(const std::vector<Detection>& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += "; ";
    std::string words;
    for (const auto& w : d.words) words += (words.empty() ? "" : " ") + w;
    out += d.category + " (\"" + words + "\", rule at line " + std::to_string(d.line) + ")";
  }
  return out;
}

}  // namespace

void parse_safety_corpus(const std::string& text, const std::string& file, const SafetyDetectorRules& rules,
                         std::vector<CorpusLine>& into, Problems& problems) {
  std::istringstream in(text);
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto bar = line.find(" | ");
    if (bar == std::string::npos) {
      problems.push_back({Severity::error, file, number, "", "expected `label | text`"});
      continue;
    }
    CorpusLine c{trim(line.substr(0, bar)), trim(line.substr(bar + 3)), file, number};
    if (c.text.empty()) {
      problems.push_back({Severity::error, file, number, "", "no text after the label"});
      continue;
    }
    if (c.is_harm() && !rules.category(c.label)) {
      problems.push_back({Severity::error, file, number, "", "unknown label \"" + c.label + "\": a harm category of the detector, or ok.<kind>"});
      continue;
    }
    if (!c.is_harm() && c.label.size() <= 3) {
      problems.push_back({Severity::error, file, number, "", "ok. needs a kind, e.g. ok.idiom"});
      continue;
    }
    into.push_back(std::move(c));
  }
}

CorpusEvaluation evaluate_safety_corpus(const SafetyDetector& detector, const std::vector<CorpusLine>& lines) {
  CorpusEvaluation e;
  for (const auto& line : lines) {
    auto found = detector.detect(line.text);
    auto& g = e.groups[line.label];
    ++g.total;
    const bool alerted = !found.empty();
    g.alerted += alerted;
    if (line.is_harm()) {
      ++e.harm_total;
      e.harm_alerted += alerted;
      const bool named = std::any_of(found.begin(), found.end(), [&](const Detection& d) { return d.category == line.label; });
      g.named += named;
      e.harm_named += named;
      if (!alerted) e.misses.push_back({&line, {}});
    } else {
      ++e.ordinary_total;
      e.ordinary_alerted += alerted;
      if (alerted) e.false_alarms.push_back({&line, std::move(found)});
    }
  }
  return e;
}

std::string render_corpus_evaluation(const CorpusEvaluation& e, bool list_rows) {
  std::ostringstream out;
  char row[256];
  out << "Disclosures (should raise the alert)\n";
  std::snprintf(row, sizeof row, "  %-24s %6s %6s %8s %14s\n", "category", "lines", "alerts", "recall", "named right");
  out << row;
  for (const auto& [label, g] : e.groups) {
    if (label.rfind("ok.", 0) == 0) continue;
    std::snprintf(row, sizeof row, "  %-24s %6d %6d %8s %14s\n", label.c_str(), g.total, g.alerted, percent(g.alerted, g.total).c_str(),
                  percent(g.named, g.total).c_str());
    out << row;
  }
  out << "\nOrdinary text (should not)\n";
  std::snprintf(row, sizeof row, "  %-24s %6s %6s %12s\n", "kind", "lines", "alerts", "false alarms");
  out << row;
  for (const auto& [label, g] : e.groups) {
    if (label.rfind("ok.", 0) != 0) continue;
    std::snprintf(row, sizeof row, "  %-24s %6d %6d %12s\n", label.c_str(), g.total, g.alerted, percent(g.alerted, g.total).c_str());
    out << row;
  }
  out << "\nOverall: recall " << ratio(e.recall()) << " (" << e.harm_alerted << " of " << e.harm_total << " disclosures), false-alarm rate "
      << ratio(e.false_alarm_rate()) << " (" << e.ordinary_alerted << " of " << e.ordinary_total << " ordinary lines); the alert named the right category for "
      << percent(e.harm_named, e.harm_total) << " of disclosures\n";
  if (!list_rows) return out.str();
  out << "\nMisses (" << e.misses.size() << ")\n";
  for (const auto& r : e.misses) out << "  " << r.line->file << ":" << r.line->line << " [" << r.line->label << "] " << r.line->text << "\n";
  out << "\nFalse alarms (" << e.false_alarms.size() << ")\n";
  for (const auto& r : e.false_alarms)
    out << "  " << r.line->file << ":" << r.line->line << " [" << r.line->label << "] " << r.line->text << "\n      raised by: " << why(r.detections) << "\n";
  return out.str();
}

}  // namespace rc
