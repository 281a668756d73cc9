// Per-connection rate limit: a bucket of `burst` tokens refilled at `rate` per second.
#pragma once
#include <algorithm>
#include <chrono>

namespace rc {

class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst), last_(std::chrono::steady_clock::now()) {}

  bool take(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
    last_ = now;
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double rate_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace rc
