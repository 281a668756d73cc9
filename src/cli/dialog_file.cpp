// See dialog_file.hpp.
#include "dialog_file.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

#include "core/dialog_loader.hpp"

namespace rc::cli {

std::optional<Dialog> read_dialog_file(const std::string& path, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << path << ": cannot read file\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  Problems problems;
  auto d = parse_dialog(text.str(), path, problems);
  if (!has_errors(problems)) return d;
  for (const auto& p : problems)
    if (p.severity == Severity::error) err << p.describe() << "\n";
  return std::nullopt;
}

}  // namespace rc::cli
