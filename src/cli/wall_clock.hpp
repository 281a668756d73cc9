// The one place that reads the wall clock. Everything else is given it (a Clock) by the
// composition root, so tests can give their own.
#pragma once
#include <chrono>
#include <cstdint>

namespace rc::cli {

inline std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace rc::cli
