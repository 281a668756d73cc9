// A time (ms since the Unix epoch) written out in UTC with a strftime format: one place for the
// ISO 8601 stamps in payloads, emails, backup names and reports.
#pragma once
#include <cstdint>
#include <string>

namespace rc {

std::string utc_format(std::int64_t ms, const char* format);
inline std::string utc_iso8601(std::int64_t ms) { return utc_format(ms, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace rc
