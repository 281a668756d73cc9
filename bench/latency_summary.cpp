// See latency_summary.hpp.
#include "latency_summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace bench {
namespace {

std::uint32_t nearest_rank(const std::vector<std::uint32_t>& sorted, double percentile) {
  const auto rank = static_cast<std::size_t>(std::ceil(percentile / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

LatencySummary summarise(std::vector<std::uint32_t>& samples_us) {
  LatencySummary s;
  s.count = samples_us.size();
  if (samples_us.empty()) return s;
  std::sort(samples_us.begin(), samples_us.end());
  s.p50_us = nearest_rank(samples_us, 50);
  s.p90_us = nearest_rank(samples_us, 90);
  s.p99_us = nearest_rank(samples_us, 99);
  s.max_us = samples_us.back();
  s.mean_us = std::accumulate(samples_us.begin(), samples_us.end(), 0.0) / static_cast<double>(samples_us.size());
  return s;
}

}  // namespace bench
