// spdlog set-up: human-readable lines by default, JSON lines on request. Message texts and
// tokens are never logged above debug level.
#pragma once
#include <string>

namespace rc {

struct LoggingConfig {
  std::string level = "info";  // trace, debug, info, warn, error
  std::string format = "text";  // text | json
};

void setup_logging(const LoggingConfig& config);
}
