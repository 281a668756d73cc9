// See sign_in_guard.hpp.
#include "sign_in_guard.hpp"

#include <nlohmann/json.hpp>

namespace rc::staff {

std::optional<AuditEntry> SignInGuard::failed(const std::string& address, const std::string& via, std::int64_t now) {
  metrics_.sign_in_failures++;
  const auto unaudited_before = tally_.record(address, now);
  if (!unaudited_before) return std::nullopt;
  return AuditEntry{now, "unknown", "sign_in_failed", nlohmann::json{{"via", via}, {"failed_since_last_row", *unaudited_before}}.dump(), address};
}

}  // namespace rc::staff
