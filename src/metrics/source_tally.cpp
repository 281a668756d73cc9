// See source_tally.hpp.
#include "source_tally.hpp"

namespace rc {

std::optional<std::int64_t> SourceTally::record(const std::string& address, std::int64_t now_ms) {
  const std::int64_t minute = now_ms / 60'000;
  std::lock_guard lock(mutex_);
  if (sources_.size() >= kMaxSources && !sources_.count(address)) sources_.clear();
  auto [it, first] = sources_.try_emplace(address, Source{minute, 0, 1});
  Source& s = it->second;
  if (first) return 0;
  if (s.minute == minute) {
    ++s.unaudited;
    ++s.in_minute;
    return std::nullopt;
  }
  const std::int64_t before = s.unaudited;
  s = Source{minute, 0, 1};
  return before;
}

std::int64_t SourceTally::this_minute(const std::string& address, std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  auto it = sources_.find(address);
  return it == sources_.end() || it->second.minute != now_ms / 60'000 ? 0 : it->second.in_minute;
}

}  // namespace rc
