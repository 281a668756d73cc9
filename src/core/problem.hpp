// A problem found in a dialog or content file: where it is and what is wrong.
// The validator reports all of them at once instead of stopping at the first.
#pragma once
#include <string>
#include <vector>

namespace rc {

enum class Severity { error, warning };

struct Problem {
  Severity severity = Severity::error;
  std::string file;
  int line = 0;          // 1-based
  std::string node;      // node or item id, when there is one
  std::string message;

  std::string describe() const {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    s += severity == Severity::error ? ": error: " : ": warning: ";
    if (!node.empty()) s += "[" + node + "] ";
    return s + message;
  }
};

using Problems = std::vector<Problem>;

inline bool has_errors(const Problems& ps) {
  for (const auto& p : ps)
    if (p.severity == Severity::error) return true;
  return false;
}

}  // namespace rc
