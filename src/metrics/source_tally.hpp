// Refusals (bad voice signatures, wrong staff tokens) tallied per source address and minute:
// the first from an address in a minute is audited (with how many came since the last audited
// one); the rest only count. So a client failing as fast as it can costs one audit row (one
// fsync) a minute, not one per request; and it can be told to wait once it has failed too
// often this minute. Thread-safe.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace rc {

class SourceTally {
 public:
  // When a refusal should be audited now: how many refusals from this address went unaudited
  // before it (0 for the first). nullopt: count it only.
  std::optional<std::int64_t> record(const std::string& address, std::int64_t now_ms);
  // Refusals from this address in the current minute.
  std::int64_t this_minute(const std::string& address, std::int64_t now_ms) const;

 private:
  struct Source {
    std::int64_t minute = 0;
    std::int64_t unaudited = 0;
    std::int64_t in_minute = 0;
  };
  static constexpr std::size_t kMaxSources = 10'000;  // beyond this the table starts again (memory stays bounded)
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Source> sources_;
};

}  // namespace rc
