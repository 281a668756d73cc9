// The append-only, hash-chained audit log: every read of a list, a transcript, an export or
// stats, every purge and erasure. A row's hash covers the previous row's hash and its own
// fields, so editing or deleting a row shows when the chain is verified.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "store/sqlite_db.hpp"

namespace rc::staff {

struct AuditEntry {
  std::int64_t at = 0;
  std::string actor;    // staff id, or "cli:<command>"
  std::string action;   // list, read, export, stats, audit, review, hold, purge, erase, export_subject, staff
  std::string target;   // JSON: conversation ids or the filter
  std::string address;  // client address, or "local"
};

// Appends one row inside the caller's transaction (run on the writer thread).
void append_audit(store::Db& db, const AuditEntry& entry);

struct ChainCheck {
  bool ok = true;
  std::int64_t rows = 0;
  std::int64_t first_bad_id = 0;
  std::string problem;
  std::int64_t head_id = 0;  // the newest row: with its hash, the anchor to keep outside the table
  std::string head_hash;
};

// A head recorded earlier, outside the table (the daily purge's log line, /metrics, a copy an
// operator kept): "ID:HASH".
struct AuditAnchor {
  std::int64_t id = 0;
  std::string hash;
};
std::optional<AuditAnchor> parse_audit_anchor(const std::string& text);

// Recomputes the chain from the oldest row kept (purged history leaves its last hash as the
// anchor). With `anchor`, also checks that row is still there, unchanged: rows removed from the
// end of the table since the anchor was recorded are found that way, and only that way.
ChainCheck verify_audit_chain(store::Db& db, const std::optional<AuditAnchor>& anchor = std::nullopt);
// The newest row's id and hash (0 and "" when the log is empty).
AuditAnchor audit_head(store::Db& db);

std::string audit_hash(const std::string& prev_hash, std::int64_t id, const AuditEntry& e);

}  // namespace rc::staff
