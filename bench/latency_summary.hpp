// Per-turn latencies in microseconds, summarised as exact percentiles (every sample is kept:
// ten seconds at tens of thousands of turns a second is a few megabytes).
#pragma once
#include <cstdint>
#include <vector>

namespace bench {

struct LatencySummary {
  std::size_t count = 0;
  std::uint32_t p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
  double mean_us = 0;
};

// Nearest-rank percentiles; sorts the samples in place.
LatencySummary summarise(std::vector<std::uint32_t>& samples_us);

}  // namespace bench
