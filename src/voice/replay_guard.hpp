// Signed voice requests seen recently, by call and content: the provider's own retry of a
// request (seconds later) is answered as before, idempotently; the same signed request sent
// again later is a replay and is refused. Bounded in memory; thread-safe.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace rc::voice {

class ReplayGuard {
 public:
  static constexpr std::int64_t kRetryWindowMs = 2 * 60 * 1000;  // a provider's retry comes well within this
  static constexpr std::int64_t kRememberMs = 6 * 3600 * 1000;   // longer than any call
  static constexpr std::size_t kMaxRemembered = 100'000;

  // False when this exact request (call, URL and body) was first seen longer ago than the retry window.
  bool admit(const std::string& call_sid, const std::string& target, const std::string& body, std::int64_t now_ms);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> first_seen_;  // sha256(call, target, body) -> when
};

}  // namespace rc::voice
