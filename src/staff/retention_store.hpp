// The retention purge: removes what is no longer needed, on the periods in the config.
// Conversations under a legal hold are left alone. The purge records itself in the audit log.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>

#include "retention.hpp"
#include "store/sqlite_db.hpp"

namespace rc::staff {

struct PurgeCounts {
  std::int64_t resume_tokens = 0;     // tokens cleared (resume no longer possible)
  std::int64_t left_open = 0;         // active conversations nobody can resume any more, now marked abandoned
  std::int64_t free_text = 0;         // conversations whose typed text was removed
  std::int64_t abandoned = 0;         // abandoned conversations deleted
  std::int64_t records = 0;           // conversations past the record period deleted
  std::int64_t audit_rows = 0;        // audit rows past their period deleted
  std::int64_t held = 0;              // conversations due for a purge but on legal hold

  nlohmann::json to_json() const;
};

// Runs inside the caller's transaction. With dry_run nothing changes but the counts (and
// the audit record of the dry run). `now` is passed in so tests can move the clock.
// Instances sharing a PostgreSQL database purge one at a time: the lock lasts until the
// transaction ends. `wait` false: false at once when another holds it. Always true on SQLite
// (one writer at a time anyway).
bool take_purge_turn(store::Db& db, bool wait);

PurgeCounts purge(store::Db& db, const Retention& retention, std::int64_t now, bool dry_run, const std::string& actor);

// Removes one conversation (erasure on request), unless it is on legal hold. False if held or unknown.
enum class EraseResult { erased, held, not_found };
EraseResult erase_conversation(store::Db& db, const std::string& id);

}  // namespace rc::staff
