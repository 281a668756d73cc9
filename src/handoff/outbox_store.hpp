// The outbox's SQL: due events (the oldest pending one per connector and conversation, so
// each conversation's events reach a peer in order), results, and the operator's list/retry.
// Every function runs on the writer thread (or a CLI's own connection) inside a transaction.
#pragma once
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "connector.hpp"
#include "connector_settings.hpp"
#include "store/sqlite_db.hpp"

namespace rc::handoff {

// An outbox event's state; text ("pending", "delivered", "failed") only in SQL and output.
enum class OutboxStatus { pending, delivered, failed };
std::string_view to_string(OutboxStatus s);
std::optional<OutboxStatus> outbox_status_of(std::string_view text);

struct OutboxEntry {
  OutboundEvent event;
  OutboxStatus status = OutboxStatus::pending;
  std::string last_error;
  int attempts = 0;
  Millis next_attempt_at = 0, window_start = 0;
  std::optional<Millis> delivered_at;
};

// Up to `limit` events due now whose connector is enabled, each the oldest pending one of its
// connector and conversation.
std::vector<OutboxEntry> due_events(store::Db& db, Millis now, int limit);
// Claims a due event for one delivery attempt: still pending, not yet tried again since it was
// read, and not claimed by another worker; its next attempt moves to `lease_until`, so no other
// worker sends it meanwhile (and, should this process die, it is tried again after the lease).
// `claimed_by` names the process. One statement; false when another worker has it.
bool claim_event(store::Db& db, const OutboxEntry& entry, Millis now, Millis lease_until, const std::string& claimed_by);
// Claims held by any process but `self` are left by a process that died mid-delivery: their
// events become due now (the peer dedups by event id). Only for a store this process holds
// alone (an SQLite file under serve_lock). Returns how many events it released.
std::int64_t release_dead_claims(store::Db& db, const std::string& self, Millis now);
// Instances sharing a database: `self` is alive at `now` (instances table).
void note_alive(store::Db& db, const std::string& self, Millis now);
// Releases the claims of instances silent since `silent_since` (or never seen): their
// deliveries are due again at once. Returns how many.
std::int64_t release_claims_of_silent(store::Db& db, const std::string& self, Millis now, Millis silent_since);

// Records a delivery attempt's result. Returns the status the row now has.
OutboxStatus record_attempt(store::Db& db, const OutboxEntry& entry, const Delivery& result, const RetryPolicy& policy, Millis now,
                           double jitter /* 0..1 */);

std::int64_t pending_count(store::Db& db);

struct OutboxFilter {
  std::optional<OutboxStatus> status;
  std::optional<std::string> connector, reference;
  int limit = 100;
};
std::vector<OutboxEntry> list_outbox(store::Db& db, const OutboxFilter& filter);

// Makes failed events (one by id, or all of a connector) pending again now, and re-enables the
// connector. Returns how many events it changed.
std::int64_t retry_failed(store::Db& db, std::optional<std::int64_t> id, std::optional<std::string> connector, Millis now);

void disable_connector(store::Db& db, const std::string& name, const std::string& reason, Millis now);
std::vector<std::string> disabled_connectors(store::Db& db);

// The delay before the next attempt: exponential from initial_seconds, capped at max_seconds,
// with jitter so that many retries do not arrive together; a peer's Retry-After wins if longer.
double backoff_seconds(const RetryPolicy& policy, int attempts_so_far, std::optional<int> retry_after, double jitter);

}  // namespace rc::handoff
