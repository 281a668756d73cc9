// The append-only, hash-chained audit log: every read of a list, a transcript, an export or
// stats, every purge and erasure. A row's hash covers the previous row's hash and its own
// fields, so editing or deleting a row shows when the chain is verified.
#pragma once
#include <cstdint>
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
void append_audit(store::SqliteDb& db, const AuditEntry& entry);

struct ChainCheck {
  bool ok = true;
  std::int64_t rows = 0;
  std::int64_t first_bad_id = 0;
  std::string problem;
};

// Recomputes the chain from the oldest row kept (purged history leaves its last hash as the anchor).
ChainCheck verify_audit_chain(store::SqliteDb& db);

std::string audit_hash(const std::string& prev_hash, std::int64_t id, const AuditEntry& e);

}  // namespace rc::staff
