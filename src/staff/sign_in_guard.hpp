// Wrong staff tokens, wherever they are tried (staff API, console, a phone call's start):
// counted in /metrics, audited once per address and minute (with how many failed since the
// last row), and refused for the rest of the minute once an address has failed too often.
// Guessing a 128-bit token is hopeless anyway; this makes trying visible and slow.
#pragma once
#include <optional>
#include <string>

#include "metrics/metrics.hpp"
#include "metrics/source_tally.hpp"
#include "store/audit_log.hpp"

namespace rc::staff {

class SignInGuard {
 public:
  static constexpr std::int64_t kMaxFailuresPerMinute = 20;

  explicit SignInGuard(Metrics& metrics) : metrics_(metrics) {}
  // True when this address has failed too often this minute: refuse before checking anything.
  bool blocked(const std::string& address, std::int64_t now) const { return tally_.this_minute(address, now) >= kMaxFailuresPerMinute; }
  // A failed sign-in: the audit row to write now, when one is due.
  std::optional<AuditEntry> failed(const std::string& address, const std::string& via, std::int64_t now);

 private:
  Metrics& metrics_;
  SourceTally tally_;
};

}  // namespace rc::staff
