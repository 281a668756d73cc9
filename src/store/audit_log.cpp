// See audit_log.hpp.
#include "audit_log.hpp"

#include "core/sha256.hpp"

namespace rc::staff {

namespace {
const std::string kGenesis(64, '0');
}

std::string audit_hash(const std::string& prev_hash, std::int64_t id, const AuditEntry& e) {
  // Fields joined with a separator that cannot occur unescaped in JSON or ids.
  const std::string sep = "\x1f";
  return sha256_hex(prev_hash + sep + std::to_string(id) + sep + std::to_string(e.at) + sep + e.actor + sep + e.action + sep + e.target +
                    sep + e.address);
}

void append_audit(store::Db& db, const AuditEntry& e) {
  // Several instances append to one PostgreSQL table: each takes the next id and the last hash
  // in turn (held to the end of the caller's transaction), so the chain stays one chain. An
  // SQLite file has one writer already.
  if (db.dialect() == store::Dialect::postgresql) db.prepared("SELECT pg_advisory_xact_lock(7311002)").run();
  auto& last = db.prepared("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
  std::int64_t id = 1;
  std::string prev = kGenesis;
  if (last.step()) {
    id = last.integer(0) + 1;
    prev = last.text(1);
  }
  last.reset();
  db.prepared("INSERT INTO audit (id, at, actor, action, target, address, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, id).bind(2, e.at).bind(3, e.actor).bind(4, e.action).bind(5, e.target).bind(6, e.address).bind(7, prev)
      .bind(8, audit_hash(prev, id, e)).run();
}

std::optional<AuditAnchor> parse_audit_anchor(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 18 || text.find_first_not_of("0123456789") != colon) return std::nullopt;
  const std::string hash = text.substr(colon + 1);
  if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  return AuditAnchor{std::stoll(text.substr(0, colon)), hash};
}

AuditAnchor audit_head(store::Db& db) {
  auto& q = db.prepared("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
  AuditAnchor head;
  if (q.step()) head = AuditAnchor{q.integer(0), q.text(1)};
  q.reset();
  return head;
}

ChainCheck verify_audit_chain(store::Db& db, const std::optional<AuditAnchor>& anchor) {
  ChainCheck check;
  auto& q = db.prepared("SELECT id, at, actor, action, target, address, prev_hash, hash FROM audit ORDER BY id");
  std::string expected_prev;
  std::int64_t expected_id = 0;
  while (q.step()) {
    const std::int64_t id = q.integer(0);
    AuditEntry e{q.integer(1), q.text(2), q.text(3), q.text(4), q.text(5)};
    const std::string prev = q.text(6), hash = q.text(7);
    ++check.rows;
    std::string problem;
    if (expected_id && id != expected_id) problem = "row " + std::to_string(expected_id) + " is missing";
    else if (!expected_prev.empty() && prev != expected_prev) problem = "prev_hash does not match the row before";
    else if (audit_hash(prev, id, e) != hash) problem = "the row's contents do not match its hash";
    if (!problem.empty()) {
      check.ok = false;
      check.first_bad_id = id;
      check.problem = problem;
      break;
    }
    expected_prev = hash;
    expected_id = id + 1;
    check.head_id = id;
    check.head_hash = hash;
  }
  q.reset();
  if (check.ok && anchor) {
    auto& a = db.prepared("SELECT hash FROM audit WHERE id = ?1");
    a.bind(1, anchor->id);
    const bool found = a.step();
    const std::string hash = found ? a.text(0) : std::string();
    a.reset();
    if (!found && anchor->id > check.head_id) {
      check.ok = false;
      check.first_bad_id = anchor->id;
      check.problem = "the anchored row " + std::to_string(anchor->id) + " is gone: rows were removed from the end of the log";
    } else if (found && hash != anchor->hash) {
      check.ok = false;
      check.first_bad_id = anchor->id;
      check.problem = "the anchored row " + std::to_string(anchor->id) + " does not match the hash recorded for it";
    }
    // An anchor older than the oldest row kept was purged with its period: nothing to compare.
  }
  return check;
}

}  // namespace rc::staff
