// The safety detector's labelled corpus and its evaluation (`rightconv safety eval`): recall per
// harm category, false alarms per kind of ordinary text, and every miss and false alarm listed
// with the words that raised it, so a safeguarding lead sees what a rule change does.
//
// Corpus files (content/safety/corpus/...): one sentence a line, `label | text`, where the label
// is a harm category of the detector (physical_abuse...) or `ok.<kind>` for ordinary text that
// must not raise the alert (ok.idiom, ok.sport...). `#` starts a comment line.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "problem.hpp"
#include "safety_detector.hpp"

namespace rc {

struct CorpusLine {
  std::string label, text, file;
  int line = 0;
  bool is_harm() const { return label.rfind("ok.", 0) != 0; }
};

// Appends the lines of one corpus file; a bad line is a problem with its file and line.
void parse_safety_corpus(const std::string& text, const std::string& file, const SafetyDetectorRules& rules,
                         std::vector<CorpusLine>& into, Problems& problems);

struct CorpusEvaluation {
  struct Group {
    int total = 0;
    int alerted = 0;
    int named = 0;  // harm groups: the alert named this very category
  };
  struct Row {
    const CorpusLine* line = nullptr;
    std::vector<Detection> detections;
  };
  std::map<std::string, Group> groups;  // by label
  std::vector<Row> misses, false_alarms;
  int harm_total = 0, harm_alerted = 0, harm_named = 0, ordinary_total = 0, ordinary_alerted = 0;

  double recall() const { return harm_total ? double(harm_alerted) / harm_total : 1.0; }
  double false_alarm_rate() const { return ordinary_total ? double(ordinary_alerted) / ordinary_total : 0.0; }
};

CorpusEvaluation evaluate_safety_corpus(const SafetyDetector& detector, const std::vector<CorpusLine>& lines);

// The report: a table per group, the totals, then every miss and false alarm.
std::string render_corpus_evaluation(const CorpusEvaluation& e, bool list_rows);

}  // namespace rc
