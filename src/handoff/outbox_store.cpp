// See outbox_store.hpp.
#include "outbox_store.hpp"

#include <algorithm>
#include <cmath>

#include "presence_store.hpp"

namespace rc::handoff {

namespace {

const char* kColumns =
    "id, event_id, connector, conversation_id, reference, kind, payload, created_at, status, attempts, next_attempt_at, "
    "COALESCE(last_error, ''), delivered_at, window_start";

OutboxEntry entry_of(store::Statement& q) {
  OutboxEntry e;
  e.event.outbox_id = q.integer(0);
  e.event.event_id = q.text(1);
  e.event.connector = q.text(2);
  e.event.conversation_id = q.text(3);
  e.event.reference = q.text(4);
  e.event.kind = q.text(5);
  e.event.payload = nlohmann::json::parse(q.text(6), nullptr, false);
  e.event.created_at = q.integer(7);
  e.status = outbox_status_of(q.text(8)).value_or(OutboxStatus::pending);
  e.attempts = static_cast<int>(q.integer(9));
  e.event.attempt = e.attempts + 1;
  e.next_attempt_at = q.integer(10);
  e.last_error = q.text(11);
  if (!q.is_null(12)) e.delivered_at = q.integer(12);
  e.window_start = q.integer(13);
  return e;
}

}  // namespace

std::string_view to_string(OutboxStatus s) {
  switch (s) {
    case OutboxStatus::pending: return "pending";
    case OutboxStatus::delivered: return "delivered";
    case OutboxStatus::failed: return "failed";
  }
  return "pending";
}

std::optional<OutboxStatus> outbox_status_of(std::string_view text) {
  for (auto s : {OutboxStatus::pending, OutboxStatus::delivered, OutboxStatus::failed})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

std::vector<OutboxEntry> due_events(store::Db& db, Millis now, int limit) {
  auto& q = db.prepared(std::string("SELECT ") + kColumns +
                        " FROM outbox o WHERE status = 'pending' AND next_attempt_at <= ?1 "
                        "AND connector NOT IN (SELECT name FROM connector_state WHERE disabled_at IS NOT NULL) "
                        "AND id = (SELECT MIN(id) FROM outbox p WHERE p.connector = o.connector AND p.conversation_id = o.conversation_id "
                        "AND p.status = 'pending') ORDER BY next_attempt_at, id LIMIT ?2");
  q.bind(1, now).bind(2, std::int64_t{limit});
  std::vector<OutboxEntry> out;
  while (q.step()) out.push_back(entry_of(q));
  q.reset();
  return out;
}

bool claim_event(store::Db& db, const OutboxEntry& e, Millis now, Millis lease_until, const std::string& claimed_by) {
  // The conditions make a claim safe on both stores. On PostgreSQL the row is also locked with
  // SKIP LOCKED: an instance whose claim is still in an open batch is passed over at once, rather
  // than waited for only to find the row taken.
  const bool pg = db.dialect() == store::Dialect::postgresql;
  const std::string which = pg ? "id = (SELECT id FROM outbox WHERE id = ?1 AND status = 'pending' AND attempts = ?2 AND next_attempt_at <= ?3 "
                                 "FOR UPDATE SKIP LOCKED)"
                               : "id = ?1 AND status = 'pending' AND attempts = ?2 AND next_attempt_at <= ?3";
  db.prepared("UPDATE outbox SET next_attempt_at = ?4, claimed_by = ?5 WHERE " + which)
      .bind(1, e.event.outbox_id).bind(2, std::int64_t{e.attempts}).bind(3, now).bind(4, lease_until).bind(5, claimed_by).run();
  return db.changes() == 1;
}

std::int64_t release_dead_claims(store::Db& db, const std::string& self, Millis now) {
  db.prepared(std::string("UPDATE outbox SET claimed_by = NULL, next_attempt_at = ") + store::sql_least(db) + "(next_attempt_at, ?2) "
              "WHERE status = 'pending' AND claimed_by IS NOT NULL AND claimed_by <> ?1")
      .bind(1, self).bind(2, now).run();
  return db.changes();
}

void note_alive(store::Db& db, const std::string& self, Millis now) {
  db.prepared("INSERT INTO instances (id, started_at, seen_at) VALUES (?1, ?2, ?2) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at")
      .bind(1, self).bind(2, now).run();
}

std::int64_t release_claims_of_silent(store::Db& db, const std::string& self, Millis now, Millis silent_since) {
  db.prepared(std::string("UPDATE outbox SET claimed_by = NULL, next_attempt_at = ") + store::sql_least(db) + "(next_attempt_at, ?2) "
              "WHERE status = 'pending' AND claimed_by IS NOT NULL AND claimed_by <> ?1 AND "
              "claimed_by NOT IN (SELECT id FROM instances WHERE seen_at >= ?3)")
      .bind(1, self).bind(2, now).bind(3, silent_since).run();
  const auto released = db.changes();
  db.prepared("DELETE FROM instances WHERE seen_at < ?1").bind(1, silent_since - 24LL * 3600 * 1000).run();
  forget_presence_of_gone_instances(db);
  return released;
}

double backoff_seconds(const RetryPolicy& p, int attempts_so_far, std::optional<int> retry_after, double jitter) {
  const double exp = p.initial_seconds * std::pow(2.0, std::max(0, attempts_so_far - 1));
  double delay = std::min(p.max_seconds, exp);
  delay = delay * (0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0));  // "equal jitter": never less than half
  if (retry_after && *retry_after > delay) delay = std::min<double>(*retry_after, p.max_seconds);
  return delay;
}

OutboxStatus record_attempt(store::Db& db, const OutboxEntry& e, const Delivery& r, const RetryPolicy& policy, Millis now, double jitter) {
  const int attempts = e.attempts + 1;
  OutboxStatus status = OutboxStatus::pending;
  Millis next = e.next_attempt_at;
  if (r.status == DeliveryStatus::delivered || r.status == DeliveryStatus::duplicate) {
    status = OutboxStatus::delivered;
  } else if (r.status == DeliveryStatus::gone) {
    status = OutboxStatus::failed;
    disable_connector(db, e.event.connector, "the peer answered 410 Gone: " + r.detail, now);
  } else {
    next = now + static_cast<Millis>(backoff_seconds(policy, attempts, r.retry_after_seconds, jitter) * 1000);
    if (next - e.window_start > static_cast<Millis>(policy.give_up_after_seconds * 1000)) status = OutboxStatus::failed;
  }
  db.prepared("UPDATE outbox SET status = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5, claimed_by = NULL, "
              "delivered_at = CASE WHEN ?2 = 'delivered' THEN ?6 ELSE delivered_at END WHERE id = ?1")
      .bind(1, e.event.outbox_id).bind(2, std::string(to_string(status))).bind(3, std::int64_t{attempts}).bind(4, next)
      .bind(5, r.status == DeliveryStatus::delivered ? std::string() : r.detail).bind(6, now).run();
  return status;
}

std::int64_t pending_count(store::Db& db) {
  auto& q = db.prepared("SELECT COUNT(*) FROM outbox WHERE status = 'pending'");
  q.step();
  const auto n = q.integer(0);
  q.reset();
  return n;
}

std::vector<OutboxEntry> list_outbox(store::Db& db, const OutboxFilter& f) {
  auto& q = db.prepared(std::string("SELECT ") + kColumns +
                        " FROM outbox WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR connector = ?2) AND (?3 IS NULL OR reference = ?3) "
                        "ORDER BY id DESC LIMIT ?4");
  q.bind_optional(1, f.status ? std::optional<std::string>(to_string(*f.status)) : std::nullopt).bind_optional(2, f.connector).bind_optional(3, f.reference).bind(4, std::int64_t{f.limit});
  std::vector<OutboxEntry> out;
  while (q.step()) out.push_back(entry_of(q));
  q.reset();
  return out;
}

std::int64_t retry_failed(store::Db& db, std::optional<std::int64_t> id, std::optional<std::string> connector, Millis now) {
  db.prepared("UPDATE outbox SET status = 'pending', next_attempt_at = ?3, window_start = ?3 "
              "WHERE status = 'failed' AND (?1 IS NULL OR id = ?1) AND (?2 IS NULL OR connector = ?2)")
      .bind_optional(1, id).bind_optional(2, connector).bind(3, now).run();
  const auto changed = db.changes();
  if (connector) db.prepared("DELETE FROM connector_state WHERE name = ?1").bind(1, *connector).run();
  if (id) db.prepared("DELETE FROM connector_state WHERE name = (SELECT connector FROM outbox WHERE id = ?1)").bind(1, *id).run();
  return changed;
}

void disable_connector(store::Db& db, const std::string& name, const std::string& reason, Millis now) {
  db.prepared("INSERT INTO connector_state (name, disabled_at, reason) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (name) DO UPDATE SET disabled_at = excluded.disabled_at, reason = excluded.reason")
      .bind(1, name).bind(2, now).bind(3, reason).run();
}

std::vector<std::string> disabled_connectors(store::Db& db) {
  auto& q = db.prepared("SELECT name FROM connector_state WHERE disabled_at IS NOT NULL ORDER BY name");
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  q.reset();
  return out;
}

}  // namespace rc::handoff
