// Reads the conversation log for `rightconv replay`: each conversation of a dialog with its
// client messages, and the dialog versions served. Read-only: it never writes, and reads one
// consistent snapshot (SQLite's WAL, PostgreSQL's REPEATABLE READ) while servers keep writing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "db.hpp"

namespace rc::store {

struct ConversationTranscript {
  std::string id, dialog_version, state, outcome;  // outcome "" when none was logged
  std::int64_t started_at = 0;
  std::vector<std::string> client_messages;  // the 'in' turns' JSON, in order
};

struct ServedDialogVersion {
  std::string version, declared, source_text;
};

struct LoggedHistory {
  std::vector<ConversationTranscript> conversations;  // oldest first
  std::vector<ServedDialogVersion> versions;
};

// The conversations of `dialog_id` started at or after `since_ms` (ms since the epoch).
// From an SQLite file, opened read-only.
Result<LoggedHistory> read_logged_history(const std::string& db_path, const std::string& dialog_id, std::int64_t since_ms);
// From an open store (a PostgreSQL connection); `where` names it in errors.
Result<LoggedHistory> read_logged_history(Db& db, const std::string& where, const std::string& dialog_id, std::int64_t since_ms);

}  // namespace rc::store
