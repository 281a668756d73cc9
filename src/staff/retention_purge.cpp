// See retention_purge.hpp.
#include "retention_purge.hpp"

#include <vector>

#include "store/audit_log.hpp"

namespace rc::staff {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;
const char* kPurged = "[purged]";

// Binds ?1 and, when the SQL uses it, ?2.
std::int64_t count(store::SqliteDb& db, const std::string& sql, std::int64_t a, std::int64_t b = 0) {
  store::Statement q(db.handle(), sql);
  q.bind(1, a);
  if (sql.find("?2") != std::string::npos) q.bind(2, b);
  q.step();
  return q.integer(0);
}

void delete_conversations(store::SqliteDb& db, const std::string& where, std::int64_t a, std::int64_t b = 0) {
  for (const char* table : {"turns", "review_notes", "reviews", "safety_alerts"}) {
    store::Statement q(db.handle(), std::string("DELETE FROM ") + table + " WHERE conversation_id IN (SELECT id FROM conversations WHERE " + where + ")");
    q.bind(1, a);
    if (where.find("?2") != std::string::npos) q.bind(2, b);
    q.run();
  }
  store::Statement q(db.handle(), "DELETE FROM conversations WHERE " + where);
  q.bind(1, a);
  if (where.find("?2") != std::string::npos) q.bind(2, b);
  q.run();
}

// Typed text lives in the logged client messages and in the state's history; a phone call's
// wrap-up note (logged as "note") also in its phone_calls row.
std::int64_t purge_free_text(store::SqliteDb& db, std::int64_t cutoff, std::int64_t handed_off_cutoff, bool dry_run) {
  const std::string due =
      "legal_hold = 0 AND ((status != 'handed_off' AND updated_at < ?1) OR (status = 'handed_off' AND updated_at < ?2)) AND "
      "EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = conversations.id AND t.direction = 'in' AND "
      "((json_extract(t.message, '$.text') IS NOT NULL AND json_extract(t.message, '$.text') != '[purged]') OR "
      "(json_extract(t.message, '$.note') IS NOT NULL AND json_extract(t.message, '$.note') != '[purged]')))";
  std::vector<std::pair<std::string, std::string>> states;
  {
    store::Statement q(db.handle(), "SELECT id, state FROM conversations WHERE " + due);
    q.bind(1, cutoff).bind(2, handed_off_cutoff);
    while (q.step()) states.emplace_back(q.text(0), q.text(1));
  }
  if (dry_run) return static_cast<std::int64_t>(states.size());
  for (auto& [id, state_text] : states) {
    store::Statement turns(db.handle(),
                           "UPDATE turns SET message = json_set(message, '$.text', ?2) WHERE conversation_id = ?1 AND direction = 'in' AND "
                           "json_extract(message, '$.text') IS NOT NULL");
    turns.bind(1, id).bind(2, std::string(kPurged)).run();
    store::Statement notes(db.handle(),
                           "UPDATE turns SET message = json_set(message, '$.note', ?2) WHERE conversation_id = ?1 AND direction = 'in' AND "
                           "json_extract(message, '$.note') IS NOT NULL");
    notes.bind(1, id).bind(2, std::string(kPurged)).run();
    store::Statement call(db.handle(), "UPDATE phone_calls SET wrap_up_note = ?2 WHERE conversation_id = ?1 AND wrap_up_note IS NOT NULL");
    call.bind(1, id).bind(2, std::string(kPurged)).run();
    store::Statement alert_words(db.handle(), "UPDATE safety_alerts SET words = NULL WHERE conversation_id = ?1");
    alert_words.bind(1, id).run();
    auto state = nlohmann::json::parse(state_text, nullptr, false);
    if (state.is_object() && state.contains("history"))
      for (auto& step : state["history"])
        if (step.contains("text") && !step["text"].get<std::string>().empty()) step["text"] = kPurged;
    store::Statement update(db.handle(), "UPDATE conversations SET state = ?2 WHERE id = ?1");
    update.bind(1, id).bind(2, state.dump()).run();
  }
  return static_cast<std::int64_t>(states.size());
}

}  // namespace

nlohmann::json PurgeCounts::to_json() const {
  return {{"resume_tokens", resume_tokens}, {"left_open", left_open}, {"free_text", free_text}, {"abandoned", abandoned},
          {"records", records},             {"audit_rows", audit_rows}, {"held", held}};
}

PurgeCounts purge(store::SqliteDb& db, const Retention& r, std::int64_t now, bool dry_run, const std::string& actor) {
  PurgeCounts c;
  const std::int64_t token_cutoff = now - static_cast<std::int64_t>(r.resume_token_hours) * 3600 * 1000;
  const std::int64_t text_cutoff = now - r.free_text_days * kDay;
  const std::int64_t handed_off_text_cutoff = now - r.free_text_handed_off_days * kDay;
  const std::int64_t abandoned_cutoff = now - r.abandoned_days * kDay;
  const std::int64_t record_cutoff = now - static_cast<std::int64_t>(r.record_days) * kDay;
  const std::int64_t audit_cutoff = now - static_cast<std::int64_t>(r.audit_days) * kDay;

  c.held = count(db,
                 "SELECT COUNT(*) FROM conversations WHERE legal_hold = 1 AND ((status = 'abandoned' AND updated_at < ?1) OR started_at < ?2)",
                 abandoned_cutoff, record_cutoff);
  // A practitioner who closed the tab leaves an active conversation; once its resume token has
  // expired nobody can carry it on, so it is abandoned (and then purged as one).
  c.left_open = count(db, "SELECT COUNT(*) FROM conversations WHERE status = 'active' AND updated_at < ?1", token_cutoff);
  c.resume_tokens = count(db, "SELECT COUNT(*) FROM conversations WHERE token_hash IS NOT NULL AND started_at < ?1", token_cutoff);
  c.abandoned = count(db, "SELECT COUNT(*) FROM conversations WHERE legal_hold = 0 AND status = 'abandoned' AND updated_at < ?1", abandoned_cutoff);
  c.records = count(db, "SELECT COUNT(*) FROM conversations WHERE legal_hold = 0 AND started_at < ?1 AND NOT (status = 'abandoned' AND updated_at < ?2)",
                    record_cutoff, abandoned_cutoff);
  c.audit_rows = count(db, "SELECT COUNT(*) FROM audit WHERE at < ?1", audit_cutoff);
  if (!dry_run) {
    store::Statement left(db.handle(), "UPDATE conversations SET status = 'abandoned', ended_at = updated_at, revision = revision + 1 WHERE status = 'active' AND updated_at < ?1");
    left.bind(1, token_cutoff).run();
    store::Statement tokens(db.handle(), "UPDATE conversations SET token_hash = NULL WHERE token_hash IS NOT NULL AND started_at < ?1");
    tokens.bind(1, token_cutoff).run();
    delete_conversations(db, "legal_hold = 0 AND status = 'abandoned' AND updated_at < ?1", abandoned_cutoff);
    delete_conversations(db, "legal_hold = 0 AND started_at < ?1", record_cutoff);
  }
  c.free_text = purge_free_text(db, text_cutoff, handed_off_text_cutoff, dry_run);
  if (!dry_run) {
    // Old audit rows go, but the newest is always kept so the chain keeps its anchor.
    store::Statement q(db.handle(), "DELETE FROM audit WHERE at < ?1 AND id < (SELECT MAX(id) FROM audit)");
    q.bind(1, audit_cutoff).run();
  }
  append_audit(db, {now, actor, dry_run ? "purge_dry_run" : "purge", c.to_json().dump(), "local"});
  return c;
}

EraseResult erase_conversation(store::SqliteDb& db, const std::string& id) {
  store::Statement q(db.handle(), "SELECT legal_hold FROM conversations WHERE id = ?1");
  q.bind(1, id);
  if (!q.step()) return EraseResult::not_found;
  if (q.integer(0)) return EraseResult::held;
  q.reset();
  store::Statement del_turns(db.handle(), "DELETE FROM turns WHERE conversation_id = ?1");
  del_turns.bind(1, id).run();
  for (const char* table : {"review_notes", "reviews", "safety_alerts"}) {
    store::Statement d(db.handle(), std::string("DELETE FROM ") + table + " WHERE conversation_id = ?1");
    d.bind(1, id).run();
  }
  store::Statement d(db.handle(), "DELETE FROM conversations WHERE id = ?1");
  d.bind(1, id).run();
  return EraseResult::erased;
}

}  // namespace rc::staff
