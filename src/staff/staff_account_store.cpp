// See staff_account_store.hpp.
#include "staff_account_store.hpp"

#include <cctype>

#include "core/sha256.hpp"
#include "store/ids.hpp"

namespace rc::staff {
namespace {

StaffMember row_to_staff(store::Statement& q) {
  StaffMember s{q.text(0), q.text(1), q.text(2), q.integer(3), std::nullopt};
  if (!q.is_null(4)) s.disabled_at = q.integer(4);
  return s;
}

std::optional<StaffMember> find_staff(store::Db& db, const std::string& id) {
  auto& q = db.prepared("SELECT id, display_name, role, created_at, disabled_at FROM staff WHERE id = ?1");
  q.bind(1, id);
  std::optional<StaffMember> out;
  if (q.step()) out = row_to_staff(q);
  q.reset();
  return out;
}

}  // namespace

bool is_valid_role(const std::string& role) {
  return role == "hub:east" || role == "hub:west" || role == "hub:south" || role == "leeds-wide" || role == "admin";
}

bool is_valid_staff_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '@')) return false;
  return true;
}

Result<StaffMember> add_staff(store::Db& db, const std::string& id, const std::string& display_name, const std::string& role,
                              std::int64_t now) {
  if (!is_valid_staff_id(id)) return make_error("staff id \"" + id + "\" may use only letters, digits, . _ - @ (at most 64)");
  if (!is_valid_role(role)) return make_error("role \"" + role + "\" must be one of hub:east, hub:west, hub:south, leeds-wide, admin");
  if (find_staff(db, id)) return make_error("staff id \"" + id + "\" already exists");
  db.prepared("INSERT INTO staff (id, display_name, role, created_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, id).bind(2, display_name.empty() ? id : display_name).bind(3, role).bind(4, now).run();
  return *find_staff(db, id);
}

Result<std::string> issue_token(store::Db& db, const std::string& staff_id, std::int64_t now, std::int64_t valid_ms) {
  auto s = find_staff(db, staff_id);
  if (!s) return make_error("no staff member \"" + staff_id + "\"");
  if (s->disabled_at) return make_error("staff member \"" + staff_id + "\" is disabled");
  const std::string token = "rcs_" + random_token();
  db.prepared("INSERT INTO staff_tokens (token_hash, staff_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, sha256_hex(token)).bind(2, staff_id).bind(3, now).bind(4, now + valid_ms).run();
  return token;
}

Result<StaffMember> disable_staff(store::Db& db, const std::string& staff_id, std::int64_t now) {
  auto s = find_staff(db, staff_id);
  if (!s) return make_error("no staff member \"" + staff_id + "\"");
  db.prepared("UPDATE staff SET disabled_at = COALESCE(disabled_at, ?2) WHERE id = ?1").bind(1, staff_id).bind(2, now).run();
  db.prepared("DELETE FROM staff_tokens WHERE staff_id = ?1").bind(1, staff_id).run();
  return *find_staff(db, staff_id);
}

std::vector<StaffMember> list_staff(store::Db& db) {
  std::vector<StaffMember> out;
  auto& q = db.prepared("SELECT id, display_name, role, created_at, disabled_at FROM staff ORDER BY id");
  while (q.step()) out.push_back(row_to_staff(q));
  q.reset();
  return out;
}

std::optional<StaffMember> authenticate(store::Db& db, const std::string& token, std::int64_t now) {
  if (token.size() < 8 || token.size() > 200) return std::nullopt;
  auto& q = db.prepared(
      "SELECT s.id, s.display_name, s.role, s.created_at, s.disabled_at FROM staff_tokens t JOIN staff s ON s.id = t.staff_id "
      "WHERE t.token_hash = ?1 AND t.expires_at > ?2 AND s.disabled_at IS NULL");
  q.bind(1, sha256_hex(token)).bind(2, now);
  std::optional<StaffMember> out;
  if (q.step()) out = row_to_staff(q);
  q.reset();
  return out;
}

}  // namespace rc::staff
