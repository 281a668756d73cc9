// spdlog set-up: human-readable lines by default, JSON lines on request. Message texts and
// tokens are never logged above debug level.
#pragma once
#include "config.hpp"

namespace rc {
void setup_logging(const LoggingConfig& config);
}
