// rightconv diff: what changed between two versions of a dialog that a user would notice,
// above all every answer path whose outcome changes. Exit 1 when any outcome changed.
#include <map>
#include <ostream>

#include "commands.hpp"
#include "core/dialog_diff.hpp"
#include "dialog_file.hpp"

namespace rc::cli {
namespace {

void print_diff_help(std::ostream& out) {
  out << "usage: rightconv diff OLD_DIALOG NEW_DIALOG [--max-paths N]\n"
         "Compares two versions of a dialog: nodes added and removed, reworded questions and answers,\n"
         "changed options and outcomes, and every answer path whose outcome changes, in plain words.\n"
         "Exit 0 when no answer path ends differently, 1 when one does (or a file cannot be loaded,\n"
         "or there were more than N paths to compare), 2 on a usage error.\n"
         "  --max-paths N   compare at most N answer paths (default 100000)\n"
         "  --by-outcome    list the changed paths only as counts, old end -> new end\n";
}

// An end in a few words: the outcome node and code, or what went wrong.
std::string end_short(const PathEnd& e) {
  switch (e.kind) {
    case PathEnd::Kind::outcome: return e.node + " (" + e.code + ")";
    case PathEnd::Kind::loops: return "no outcome: loops back to " + e.node;
    case PathEnd::Kind::not_offered: return "no such path (" + e.node + " has no answer \"" + e.option + "\")";
    case PathEnd::Kind::broken: return "broken (no node " + e.node + ")";
  }
  return "?";
}

// How many answer paths moved from each old end to each new one: what changed, by outcome.
void print_by_outcome(const DialogDiff& d, std::ostream& out) {
  std::map<std::pair<std::string, std::string>, std::size_t> moves;
  for (const auto& p : d.changed_paths) ++moves[{end_short(p.was), end_short(p.now)}];
  out << "changed paths by outcome (old end -> new end: paths):\n";
  for (const auto& [ends, count] : moves) out << "  " << ends.first << " -> " << ends.second << ": " << count << "\n";
}

void print_section(const char* title, const char* mark, const std::vector<NodeChange>& changes, std::ostream& out) {
  if (changes.empty()) return;
  out << title << " (" << changes.size() << "):\n";
  for (const auto& c : changes) out << "  " << mark << " " << c.node << ": " << c.what << "\n";
}

}  // namespace

int diff_command(const Args& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> files;
  std::size_t max_paths = 100000;
  bool by_outcome = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      print_diff_help(out);
      return kOk;
    }
    if (a == "--by-outcome") {
      by_outcome = true;
    } else if (a == "--max-paths") {
      if (i + 1 >= args.size() || args[i + 1].empty() || args[i + 1].find_first_not_of("0123456789") != std::string::npos ||
          args[i + 1].size() > 9 || std::stoul(args[i + 1]) == 0) {
        err << "diff: --max-paths needs a positive whole number\n";
        return kUsage;
      }
      max_paths = std::stoul(args[++i]);
    } else if (a.rfind("--", 0) == 0) {
      err << "diff: unknown option " << a << " (see rightconv diff --help)\n";
      return kUsage;
    } else {
      files.push_back(a);
    }
  }
  if (files.size() != 2) {
    err << "diff: give two dialog files, OLD and NEW (see rightconv diff --help)\n";
    return kUsage;
  }
  auto before = read_dialog_file(files[0], err);
  auto after = read_dialog_file(files[1], err);
  if (!before || !after) return kProblems;

  const DialogDiff d = diff_dialogs(*before, *after, max_paths);
  out << "diff " << files[0] << " (" << before->id << " " << before->version << ", " << before->content_hash << ") -> " << files[1] << " ("
      << after->id << " " << after->version << ", " << after->content_hash << ")\n";
  if (before->id != after->id) out << "note: the dialog id changed from " << before->id << " to " << after->id << "\n";
  print_section("nodes added", "+", d.added, out);
  print_section("nodes removed", "-", d.removed, out);
  print_section("reworded", "~", d.reworded, out);
  print_section("changed", "*", d.changed, out);
  if (d.changed_paths.empty()) {
    out << "no answer path ends differently (" << d.paths_compared << " compared)\n";
  } else {
    out << "answer paths that end differently: " << d.changed_paths.size() << " of " << d.paths_compared << "\n";
    print_by_outcome(d, out);
    if (!by_outcome) {
      out << "each path that ends differently:\n";
      for (const auto& p : d.changed_paths) out << "  " << p.path << "\n    " << p.change << "\n";
    }
  }
  if (d.truncated) out << "diff: stopped after " << max_paths << " answer paths: there may be more changes (see --max-paths)\n";
  return d.outcomes_changed() || d.truncated ? kProblems : kOk;
}

}  // namespace rc::cli
