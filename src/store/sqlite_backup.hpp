// Backup and restore of an SQLite deployment's database, with SQLite's online backup API: the
// copy is one consistent snapshot taken while the server runs and writes (in WAL mode a reader
// never stops the writer), and a file is only ever in place whole (written aside, synced, renamed).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/audit_log.hpp"

namespace rc::store {

// What a database file holds, for the operator's report.
struct DatabaseFacts {
  int schema_version = 0;
  std::int64_t bytes = 0;
  std::int64_t conversations = 0;
  std::int64_t turns = 0;
  std::int64_t newest_turn_at = 0;  // ms since the epoch; 0 when there are none
};

// Copies `db_path` into `to_path` (which must not exist) as one self-contained file (no -wal),
// readable by its owner only.
Result<DatabaseFacts> back_up_sqlite(const std::string& db_path, const std::string& to_path);

struct BackupCheck {
  std::vector<std::string> problems;  // empty when the file is a usable backup
  std::vector<std::string> warnings;  // usable, but not all of it can be shown as it was
  DatabaseFacts facts;
  staff::ChainCheck audit;
  bool ok() const { return problems.empty(); }
};

// Integrity check, schema version (not newer than this build's), the audit log's hash chain.
// Opens the file read-only and changes nothing.
BackupCheck check_backup(const std::string& file);

// Replaces `db_path` with the backup's contents. The caller holds the database's ServeLock, so
// no server runs on it. An existing database is replaced only with `replace`, and is not lost:
// it moves, with its -wal and -shm (so none of its log can be replayed over the restored pages),
// to `kept_as` (and kept_as-wal, kept_as-shm), to be moved back if the wrong file was restored.
// Run as root, the restored file is given to the folder's owner (the service's user).
Result<DatabaseFacts> restore_sqlite(const std::string& from, const std::string& db_path, bool replace, const std::string& kept_as);

}  // namespace rc::store
