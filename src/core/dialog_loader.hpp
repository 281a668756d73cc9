// Turns the text of a dialog file (YAML, or JSON which YAML reads too) into a Dialog.
// Structural problems (wrong types, missing ids, unknown keys) are collected, not thrown;
// graph problems (unknown references, dead ends) are the validator's job.
#pragma once
#include <optional>
#include <string>

#include "dialog.hpp"
#include "problem.hpp"

namespace rc {

// nullopt when the text is not a YAML mapping at all (the reason is in problems).
std::optional<Dialog> parse_dialog(const std::string& text, const std::string& file, Problems& problems);

}  // namespace rc
