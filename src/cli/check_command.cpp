// rightconv check: loads every dialog and the content and reports all problems at once.
#include <chrono>
#include <ostream>

#include "commands.hpp"
#include "guidance_options.hpp"

namespace rc::cli {

int check_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  GuidanceOptions opts;
  if (!take_guidance_options(args, opts, err)) return kUsage;
  bool quiet = false;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      out << "usage: rightconv check [--config FILE] [--content DIR] [--quiet] [DIALOG_FILE_OR_DIR...]\n"
             "Checks dialogs (default: dialogs/) and content (default: content/) and reports every problem\n"
             "with file, line and node. Exit 0 when there are no errors, 1 when there are.\n"
             "  --quiet   print errors only, not warnings\n";
      return kOk;
    }
    if (a == "--quiet") quiet = true;
    else if (a.rfind("--", 0) == 0) {
      err << "check: unknown option " << a << " (see rightconv check --help)\n";
      return kUsage;
    } else opts.dialog_paths.push_back(a);
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto g = load_guidance_for(opts, err);
  if (!g) return kProblems;
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::size_t errors = 0, warnings = 0, nodes = 0;
  for (const auto& p : g->problems) {
    (p.severity == Severity::error ? errors : warnings)++;
    if (p.severity == Severity::error || !quiet) out << p.describe() << "\n";
  }
  for (const auto& d : g->dialogs) nodes += d.nodes.size();
  out << "checked " << g->dialogs.size() << " dialog(s), " << nodes << " node(s), " << g->content.contacts.size()
      << " contact(s) in " << static_cast<long>(ms) << " ms: " << errors << " error(s), " << warnings << " warning(s)\n";
  return errors ? kProblems : kOk;
}

}  // namespace rc::cli
