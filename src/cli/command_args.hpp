// Small helpers the subcommands share for taking options out of their argument lists.
#pragma once
#include <string>
#include <vector>

namespace rc::cli {

// Removes "NAME VALUE" from args and returns VALUE ("" when absent).
std::string take_value(std::vector<std::string>& args, const std::string& name);
// Removes FLAG from args; true if it was there.
bool take_flag(std::vector<std::string>& args, const std::string& flag);
bool wants_help(const std::vector<std::string>& args);

}  // namespace rc::cli
