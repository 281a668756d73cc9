// rightconv test: runs the scenario tests next to the dialogs (DIR/tests/*.yaml) and reports
// failures with the path taken, then which outcomes, nodes and options no scenario reaches.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>

#include "commands.hpp"
#include "core/scenario_loader.hpp"
#include "core/scenario_runner.hpp"
#include "data_paths.hpp"
#include "guidance_options.hpp"

namespace fs = std::filesystem;

namespace rc::cli {
namespace {

struct TestOptions {
  std::string dialogs_dir = default_data_paths().dialogs;
  std::string scenarios;  // file or folder; empty: dialogs_dir/tests
  bool require_full_outcome_coverage = false;
  bool quiet = false;
};

void print_test_help(std::ostream& out) {
  out << "usage: rightconv test [DIALOGS_DIR] [--scenarios FILE_OR_DIR] [--require-full-outcome-coverage] [--quiet]\n"
         "                      [--config FILE] [--content DIR]\n"
         "Runs the scenario tests in DIALOGS_DIR/tests/*.yaml (DIALOGS_DIR: dialogs/) against the dialogs in\n"
         "DIALOGS_DIR, reports each failure with the path taken, then the outcomes, nodes and options that\n"
         "no scenario reaches. Exit 0 when every scenario passes, 1 when one fails or a file has a problem.\n"
         "  --scenarios PATH                   scenario file, or folder of them, instead of DIALOGS_DIR/tests\n"
         "  --require-full-outcome-coverage    also fail unless every outcome of every dialog is reached\n"
         "  --quiet                            print failures and the summary only\n";
}

// 0 to go on, or the exit code to return now.
int parse_test_args(Args& args, TestOptions& t, std::ostream& out, std::ostream& err) {
  bool have_dir = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      print_test_help(out);
      return -1;
    }
    if (a == "--require-full-outcome-coverage") t.require_full_outcome_coverage = true;
    else if (a == "--quiet") t.quiet = true;
    else if (a == "--scenarios") {
      if (i + 1 >= args.size()) {
        err << "test: --scenarios needs a file or folder\n";
        return kUsage;
      }
      t.scenarios = args[++i];
    } else if (a.rfind("--", 0) == 0) {
      err << "test: unknown option " << a << " (see rightconv test --help)\n";
      return kUsage;
    } else if (have_dir) {
      err << "test: give one dialogs folder (see rightconv test --help)\n";
      return kUsage;
    } else {
      t.dialogs_dir = a;
      have_dir = true;
    }
  }
  return 0;
}

std::vector<fs::path> scenario_files(const std::string& path, Problems& problems) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  if (!fs::is_directory(path, ec)) {
    problems.push_back({Severity::error, path, 0, "", "no such scenario file or folder"});
    return out;
  }
  for (const auto& e : fs::directory_iterator(path, ec)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<ScenarioFile> load_scenario_file(const fs::path& p, Problems& problems) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    problems.push_back({Severity::error, p.string(), 0, "", "cannot read file"});
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenarios(text.str(), p.string(), problems);
}

template <class T>
std::string listed(const std::vector<T>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

void print_coverage(const Coverage& c, std::ostream& out) {
  out << "  " << c.dialog << ": outcomes " << c.outcomes_reached() << "/" << c.outcomes << ", nodes " << c.nodes_reached() << "/" << c.nodes
      << ", options " << c.options_chosen() << "/" << c.options << "\n";
  if (!c.missed_outcomes.empty()) out << "    outcomes not reached: " << listed(c.missed_outcomes) << "\n";
  if (!c.missed_nodes.empty()) out << "    nodes not reached: " << listed(c.missed_nodes) << "\n";
  if (!c.missed_options.empty()) out << "    options not chosen: " << listed(c.missed_options) << "\n";
}

}  // namespace

int test_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  GuidanceOptions opts;
  if (!take_guidance_options(args, opts, err)) return kUsage;
  TestOptions t;
  if (int code = parse_test_args(args, t, out, err); code != 0) return code < 0 ? kOk : code;
  opts.dialog_paths = {t.dialogs_dir};
  auto g = load_guidance_for(opts, err);
  if (!g) return kProblems;
  if (has_errors(g->problems)) {
    for (const auto& p : g->problems)
      if (p.severity == Severity::error) err << p.describe() << "\n";
    err << "test: fix these problems first (rightconv check)\n";
    return kProblems;
  }

  Problems problems;
  std::map<std::string, Reached> reached;  // by dialog id
  std::size_t passed = 0, failed = 0;
  const std::string where = t.scenarios.empty() ? (fs::path(t.dialogs_dir) / "tests").string() : t.scenarios;
  for (const auto& path : scenario_files(where, problems)) {
    auto file = load_scenario_file(path, problems);
    if (!file) continue;
    const Dialog* dialog = g->find(file->dialog);
    if (!dialog) {
      if (!file->dialog.empty())
        problems.push_back({Severity::error, file->file, file->line, "", "no dialog \"" + file->dialog + "\" in " + t.dialogs_dir});
      continue;
    }
    out << file->file << " (" << dialog->id << ")\n";
    for (const auto& sc : file->scenarios) {
      auto r = run_scenario(*dialog, g->content, sc, reached[dialog->id]);
      (r.passed ? passed : failed)++;
      if (r.passed) {
        if (!t.quiet) out << "  ok    " << r.name << "\n";
        continue;
      }
      out << "  FAIL  " << r.name << " (" << file->file << ":" << r.line << ")\n";
      for (const auto& f : r.failures) out << "        " << f << "\n";
      out << "        path: " << r.path << "\n";
    }
  }
  for (const auto& p : problems) out << p.describe() << "\n";
  out << passed + failed << " scenario(s): " << passed << " passed, " << failed << " failed\n";

  out << "coverage:\n";
  bool full = true;
  for (const auto& d : g->dialogs) {
    const Coverage c = coverage_of(d, reached[d.id]);
    print_coverage(c, out);
    full = full && c.has_full_outcome_coverage();
  }
  if (t.require_full_outcome_coverage && !full) out << "test: some outcomes are reached by no scenario (--require-full-outcome-coverage)\n";
  const bool ok = failed == 0 && !has_errors(problems) && (full || !t.require_full_outcome_coverage);
  return ok ? kOk : kProblems;
}

}  // namespace rc::cli
