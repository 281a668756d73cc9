// See sqlite_conversation_log.hpp.
#include "sqlite_conversation_log.hpp"

#include <memory>

namespace rc::store {

void SqliteConversationLog::apply(SqliteDb& db, const Record& r) {
  if (r.start) {
    const auto& c = *r.start;
    db.prepared(
          "INSERT INTO conversations (id, dialog_id, dialog_version, channel, started_at, updated_at, status, token_hash, state) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'active', ?6, ?7)")
        .bind(1, c.id).bind(2, c.dialog_id).bind(3, c.dialog_version).bind(4, c.channel).bind(5, c.started_at)
        .bind(6, c.token_hash).bind(7, c.state).run();
  }
  for (const auto& u : r.updates) {
    db.prepared(
          "UPDATE conversations SET state = ?2, status = ?3, outcome = COALESCE(?4, outcome), outcome_node = COALESCE(?5, outcome_node), "
          "area = ?6, updated_at = ?7, ended_at = COALESCE(?8, ended_at), revision = revision + 1 "
          "WHERE id = ?1 AND (?9 IS NULL OR revision = ?9)")
        .bind(1, u.id).bind(2, u.state).bind(3, u.status).bind_optional(4, u.outcome).bind_optional(5, u.outcome_node)
        .bind_optional(6, u.area).bind(7, u.updated_at).bind_optional(8, u.ended_at).bind_optional(9, u.expected_revision).run();
    if (u.expected_revision && db.changes() == 0) throw SqliteError(kConflict, 0);  // rolls back this record only
  }
  // Turns are numbered here, in commit order, so two connections on one conversation (two tabs)
  // cannot collide; the session's own count is only a hint.
  auto& insert = db.prepared(
      "INSERT INTO turns (conversation_id, seq, at, node, direction, message) "
      "VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE conversation_id = ?1), ?2, ?3, ?4, ?5)");
  for (const auto& t : r.turns)
    insert.bind(1, t.conversation_id).bind(2, t.at).bind(3, t.node).bind(4, t.direction).bind(5, t.message).run();
}

void SqliteConversationLog::write(Record record, Done done) {
  auto shared = std::make_shared<Record>(std::move(record));
  writer_.submit([shared](SqliteDb& db) { apply(db, *shared); }, std::move(done));
}

void SqliteConversationLog::load(const std::string& conversation_id, Loaded done) {
  auto found = std::make_shared<std::optional<StoredConversation>>();
  writer_.submit(
      [found, conversation_id](SqliteDb& db) {
        auto& q = db.prepared(
            "SELECT id, dialog_id, dialog_version, channel, status, token_hash, state, ended_at, revision FROM conversations WHERE id = ?1");
        q.bind(1, conversation_id);
        if (q.step()) {
          StoredConversation c;
          c.id = q.text(0);
          c.dialog_id = q.text(1);
          c.dialog_version = q.text(2);
          c.channel = q.text(3);
          c.status = q.text(4);
          c.token_hash = q.text(5);
          c.state = q.text(6);
          if (!q.is_null(7)) c.ended_at = q.integer(7);
          c.revision = q.integer(8);
          *found = std::move(c);
        }
        q.reset();
      },
      [found, done = std::move(done)](bool ok, const std::string& error) { done(ok ? *found : std::nullopt, ok, error); });
}

void SqliteConversationLog::remember_dialog(const std::string& dialog_id, const std::string& version, const std::string& declared,
                                            const std::string& source_text, std::int64_t now, Done done) {
  writer_.submit(
      [=](SqliteDb& db) {
        db.prepared("INSERT OR IGNORE INTO dialog_versions (dialog_id, version, declared, source_text, first_served) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(1, dialog_id).bind(2, version).bind(3, declared).bind(4, source_text).bind(5, now).run();
      },
      std::move(done));
}

void SqliteConversationLog::probe(Done done) {
  // A real write: needs the write lock, a writable file and room on the disk.
  writer_.submit([](SqliteDb& db) { db.prepared("INSERT OR REPLACE INTO health (id, checked_at) VALUES (1, strftime('%s','now'))").run(); },
                 std::move(done));
}

}  // namespace rc::store
