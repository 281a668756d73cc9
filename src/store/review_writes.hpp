// What hub reviewers change (migrations: reviews, review_notes, conversations.legal_hold) and
// the admin's reads of the audit log and the log's counts for /metrics. Each runs inside a
// writer job or on a reader connection the caller holds.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "store/sqlite_db.hpp"

namespace rc::staff {

struct ReviewNote {
  std::string conversation_id, author, state, note;
  std::int64_t at = 0;
};

// Adds the note and sets the conversation's review state.
void save_review(store::Db& db, const ReviewNote& review);
// False when there is no such conversation.
bool set_legal_hold(store::Db& db, const std::string& conversation_id, bool hold);
// Audit rows with id < before, newest first, at most `limit`.
nlohmann::json audit_page(store::Db& db, std::int64_t before, int limit);
// Rows of `conversations` or `outbox` by status.
std::map<std::string, std::int64_t> conversations_by_status(store::Db& db);
std::map<std::string, std::int64_t> outbox_by_status(store::Db& db);

}  // namespace rc::staff
