// See logged_history_reader.hpp.
#include "logged_history_reader.hpp"

#include <unordered_map>

#include "sqlite_db.hpp"

namespace rc::store {

Result<LoggedHistory> read_logged_history(const std::string& db_path, const std::string& dialog_id, std::int64_t since_ms) {
  try {
    SqliteDb db(db_path, false, 5000, /*read_only=*/true);
    return read_logged_history(db, db_path, dialog_id, since_ms);
  } catch (const SqliteError& e) {  // the file could not be opened
    return make_error(std::string("cannot read the conversation log: ") + e.what(), db_path);
  }
}

Result<LoggedHistory> read_logged_history(Db& db, const std::string& where, const std::string& dialog_id, std::int64_t since_ms) {
  try {
    LoggedHistory h;
    // One snapshot for all three reads, whatever the servers commit meanwhile.
    db.exec(db.dialect() == Dialect::postgresql ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
    std::unordered_map<std::string, std::size_t> by_id;
    auto& conversations = db.prepared(
        "SELECT id, dialog_version, state, COALESCE(outcome, ''), started_at FROM conversations "
        "WHERE dialog_id = ?1 AND started_at >= ?2 ORDER BY started_at, id");
    conversations.bind(1, dialog_id).bind(2, since_ms);
    while (conversations.step()) {
      by_id.emplace(conversations.text(0), h.conversations.size());
      h.conversations.push_back({conversations.text(0), conversations.text(1), conversations.text(2), conversations.text(3),
                                 conversations.integer(4), {}});
    }
    conversations.reset();
    auto& turns = db.prepared(
        "SELECT t.conversation_id, t.message FROM turns t JOIN conversations c ON c.id = t.conversation_id "
        "WHERE c.dialog_id = ?1 AND c.started_at >= ?2 AND t.direction = 'in' ORDER BY t.conversation_id, t.seq");
    turns.bind(1, dialog_id).bind(2, since_ms);
    while (turns.step())
      if (auto it = by_id.find(turns.text(0)); it != by_id.end()) h.conversations[it->second].client_messages.push_back(turns.text(1));
    turns.reset();
    auto& versions = db.prepared("SELECT version, declared, source_text FROM dialog_versions WHERE dialog_id = ?1 ORDER BY first_served");
    versions.bind(1, dialog_id);
    while (versions.step()) h.versions.push_back({versions.text(0), versions.text(1), versions.text(2)});
    versions.reset();
    db.exec("COMMIT");
    return h;
  } catch (const DbError& e) {
    return make_error(std::string("cannot read the conversation log: ") + e.what(), where);
  }
}

}  // namespace rc::store
