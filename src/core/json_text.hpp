// Checks on JSON as it arrives, before it is parsed or stored.
#pragma once
#include <string_view>

namespace rc {

// Whether a JSON text holds the escape \u0000 (a NUL character in a string). PostgreSQL's jsonb
// refuses it, so one such message stored would make every query that reads the log as JSON
// fail (search, statistics, the purge); such messages are refused where they come in.
bool has_nul_escape(std::string_view json_text);

}  // namespace rc
