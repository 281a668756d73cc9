// Staff accounts and bearer tokens. Tokens are 128-bit random, shown once, stored only as
// SHA-256 hashes, and expire. Roles: hub:east, hub:west, hub:south (their hub's conversations),
// leeds-wide (every conversation, no admin powers), admin.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/review_queries.hpp"
#include "store/sqlite_db.hpp"

namespace rc::staff {

struct StaffMember {
  std::string id, display_name, role;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> disabled_at;

  bool is_admin() const { return role == "admin"; }
  // The hub a hub role is limited to; empty for leeds-wide and admin (everything).
  std::string area() const { return role.rfind("hub:", 0) == 0 ? role.substr(4) : std::string(); }
  Scope scope() const { return {area(), id}; }
};

bool is_valid_role(const std::string& role);
bool is_valid_staff_id(const std::string& id);

// Each returns an error value for expected failures (unknown id, bad role...).
Result<StaffMember> add_staff(store::Db& db, const std::string& id, const std::string& display_name, const std::string& role,
                              std::int64_t now);
Result<std::string> issue_token(store::Db& db, const std::string& staff_id, std::int64_t now, std::int64_t valid_ms);
Result<StaffMember> disable_staff(store::Db& db, const std::string& staff_id, std::int64_t now);
std::vector<StaffMember> list_staff(store::Db& db);

// The active staff member a token belongs to, if the token is known, unexpired and not disabled.
std::optional<StaffMember> authenticate(store::Db& db, const std::string& token, std::int64_t now);

}  // namespace rc::staff
