// Reads a scenario file (YAML): the dialog it tests and its scenarios. Every wrong type,
// missing field and unknown key is reported as a Problem with file and line.
#pragma once
#include <optional>
#include <string>

#include "problem.hpp"
#include "scenario.hpp"

namespace rc {

// nullopt when the text is not a YAML mapping at all (the reason is in problems).
std::optional<ScenarioFile> parse_scenarios(const std::string& text, const std::string& file, Problems& problems);

}  // namespace rc
