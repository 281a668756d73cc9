// Turns the text of a dialog file (YAML, or JSON which YAML reads too) into a Dialog.
// Structural problems (wrong types, missing ids, unknown keys) are collected, not thrown;
// graph problems (unknown references, dead ends) are the validator's job.
#pragma once
#include <string>

#include "dialog.hpp"
#include "problem.hpp"

namespace rc {

Dialog parse_dialog(const std::string& text, const std::string& file, Problems& problems);

}  // namespace rc
