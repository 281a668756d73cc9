// rightconv safety: the safety interrupt's detector, measured and explained.
//   eval [CORPUS...]   recall and false alarms on the labelled corpus, with a gate for CI
//   explain TEXT       how the detector reads one text, and which rules matched or were cancelled
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "command_args.hpp"
#include "commands.hpp"
#include "core/safety_corpus.hpp"
#include "data_paths.hpp"
#include "guidance_options.hpp"

namespace fs = std::filesystem;

namespace rc::cli {
namespace {

constexpr const char* kUsageText =
    "usage: rightconv safety eval [--content DIR] [--config FILE] [--min-recall R] [--max-false-alarms F] [--summary] [CORPUS...]\n"
    "       rightconv safety explain [--content DIR] [--config FILE] TEXT\n"
    "eval: runs the safety detector over labelled corpus files (`label | text` lines; default\n"
    "      content/safety/corpus/dev) and prints recall per harm category, false alarms per kind of\n"
    "      ordinary text, and every miss and false alarm with the words and rule that raised it.\n"
    "      Exit 1 when recall is below --min-recall (default 0.98) or the false-alarm rate above\n"
    "      --max-false-alarms (default 0.03). --summary leaves out the list of misses and false alarms.\n"
    "explain: shows the words as the detector reads them and every rule that matched, raised or cancelled.\n";

std::vector<fs::path> corpus_files(const std::string& path, std::ostream& err) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::recursive_directory_iterator(path, ec))
      if (e.is_regular_file() && e.path().extension() == ".txt") out.push_back(e.path());
    std::sort(out.begin(), out.end());
  } else if (fs::is_regular_file(path, ec)) {
    out.push_back(path);
  } else {
    err << path << ": no such file or folder\n";
  }
  return out;
}

bool parse_ratio(const std::string& text, double& out) {
  try {
    std::size_t used = 0;
    out = std::stod(text, &used);
    return used == text.size() && out >= 0 && out <= 1;
  } catch (...) {
    return false;
  }
}

// The guidance loaded, with its errors printed; null when the detector cannot run.
std::optional<GuidanceSet> load_detector(const GuidanceOptions& opts, std::ostream& err) {
  auto g = load_guidance_for(opts, err);
  if (!g) return std::nullopt;
  bool broken = false;
  for (const auto& p : g->problems)
    if (p.severity == Severity::error && (p.node == "safety_detector" || p.node == "safety")) {
      err << p.describe() << "\n";
      broken = true;
    }
  if (broken || !g->content.safety.detector) {
    err << "safety: the detector could not be built (see above; `rightconv check` lists every problem)\n";
    return std::nullopt;
  }
  return g;
}

int eval(Args args, const GuidanceOptions& opts, std::ostream& out, std::ostream& err) {
  double min_recall = 0.98, max_false = 0.03;
  for (auto [flag, into] : {std::pair{"--min-recall", &min_recall}, std::pair{"--max-false-alarms", &max_false}}) {
    const std::string v = take_value(args, flag);
    if (!v.empty() && !parse_ratio(v, *into)) {
      err << "safety eval: " << flag << " takes a number from 0 to 1, got \"" << v << "\"\n";
      return kUsage;
    }
  }
  const bool summary = take_flag(args, "--summary");
  for (const auto& a : args)
    if (a.rfind("--", 0) == 0) {
      err << "safety eval: unknown option " << a << "\n";
      return kUsage;
    }
  if (args.empty()) args.push_back((fs::path(opts.content_dir.empty() ? default_data_paths().content : opts.content_dir) / "safety" / "corpus" / "dev").string());
  auto g = load_detector(opts, err);
  if (!g) return kProblems;

  std::vector<CorpusLine> lines;
  Problems problems;
  std::size_t files = 0;
  for (const auto& path : args)
    for (const auto& f : corpus_files(path, err)) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      parse_safety_corpus(text.str(), f.string(), g->content.safety.detector_rules, lines, problems);
      ++files;
    }
  for (const auto& p : problems) err << p.describe() << "\n";
  if (!problems.empty() || lines.empty()) {
    err << "safety eval: " << (lines.empty() ? "no corpus lines found" : "the corpus has problems (above)") << "\n";
    return kProblems;
  }
  const auto e = evaluate_safety_corpus(*g->content.safety.detector, lines);
  out << "Safety detector on " << lines.size() << " lines from " << files << " file(s); " << g->content.safety.detector->pattern_count()
      << " harm rules\n\n"
      << render_corpus_evaluation(e, !summary);
  const bool pass = e.recall() >= min_recall && e.false_alarm_rate() <= max_false;
  out << "\nGate: recall >= " << min_recall << " and false-alarm rate <= " << max_false << ": " << (pass ? "PASS" : "FAIL") << "\n";
  return pass ? kOk : kProblems;
}

int explain(Args args, const GuidanceOptions& opts, std::ostream& out, std::ostream& err) {
  if (args.size() != 1) {
    err << "safety explain: give the text as one argument (quote it)\n";
    return kUsage;
  }
  auto g = load_detector(opts, err);
  if (!g) return kProblems;
  const auto reading = g->content.safety.detector->read(args[0]);
  out << "read as:";
  for (const auto& w : reading.words) out << " " << w;
  out << "\n";
  bool raised = false;
  for (const auto& m : reading.matches) {
    std::string words;
    for (const auto& w : m.detection.words) words += (words.empty() ? "" : " ") + w;
    out << (m.dropped_by.empty() ? "RAISES  " : "dropped ") << m.detection.category << " (" << m.detection.level << ") by \""
        << m.detection.pattern << "\" (" << g->content.safety.detector_rules.file << ":" << m.detection.line << ") on \"" << words << "\"";
    if (!m.dropped_by.empty()) out << ": " << m.dropped_by;
    out << "\n";
    raised = raised || m.dropped_by.empty();
  }
  out << (raised ? "=> the alert is raised\n" : "=> no alert\n");
  return kOk;
}

}  // namespace

int safety_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  if (args.empty() || wants_help(args)) {
    (args.empty() ? err : out) << kUsageText;
    return args.empty() ? kUsage : kOk;
  }
  GuidanceOptions opts;
  const std::string verb = args.front();
  args.erase(args.begin());
  if (!take_guidance_options(args, opts, err)) return kUsage;
  if (verb == "eval") return eval(std::move(args), opts, out, err);
  if (verb == "explain") return explain(std::move(args), opts, out, err);
  err << "safety: unknown action \"" << verb << "\" (eval or explain)\n";
  return kUsage;
}

}  // namespace rc::cli
