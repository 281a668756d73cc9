// Runs the real rightconv binary as a child process, for tests.
#pragma once
#include <string>
#include <vector>

namespace rc::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `program args...` with `input` on standard input and waits for it.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args, const std::string& input = {});

}  // namespace rc::test
