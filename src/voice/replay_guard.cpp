// See replay_guard.hpp.
#include "replay_guard.hpp"

#include "core/sha256.hpp"

namespace rc::voice {

bool ReplayGuard::admit(const std::string& call_sid, const std::string& target, const std::string& body, std::int64_t now_ms) {
  const std::string key = sha256_hex(call_sid + '\n' + target + '\n' + body);
  std::lock_guard lock(mutex_);
  if (first_seen_.size() >= kMaxRemembered)  // forget what is too old to matter; if all is recent, start again
    for (auto it = first_seen_.begin(); it != first_seen_.end();) it = now_ms - it->second > kRememberMs ? first_seen_.erase(it) : std::next(it);
  if (first_seen_.size() >= kMaxRemembered) first_seen_.clear();
  auto [it, fresh] = first_seen_.try_emplace(key, now_ms);
  return fresh || now_ms - it->second <= kRetryWindowMs;
}

}  // namespace rc::voice
