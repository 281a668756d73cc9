// See retention_store.hpp.
#include "retention_store.hpp"

#include <vector>

#include "free_text_scrub.hpp"
#include "store/audit_log.hpp"

namespace rc::staff {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

// Binds ?1 and, when the SQL uses it, ?2.
std::int64_t count(store::Db& db, const std::string& sql, std::int64_t a, std::int64_t b = 0) {
  store::Query q(db, sql);
  q.bind(1, a);
  if (sql.find("?2") != std::string::npos) q.bind(2, b);
  q.step();
  return q.integer(0);
}

void delete_rows_of(store::Db& db, const std::string& ids_sql, std::int64_t a, std::int64_t b);

void delete_conversations(store::Db& db, const std::string& where, std::int64_t a, std::int64_t b = 0) {
  delete_rows_of(db, "SELECT id FROM conversations WHERE " + where, a, b);
  store::Query q(db, "DELETE FROM conversations WHERE " + where);
  q.bind(1, a);
  if (where.find("?2") != std::string::npos) q.bind(2, b);
  q.run();
}

// Rewrites one JSON column of the rows `select` finds (key, text): scrubbed, written back if changed.
int scrub_rows(store::Db& db, const std::string& select, const std::string& update, const std::string& id, const TypedText& typed) {
  std::vector<std::pair<std::int64_t, std::string>> changed;
  {
    store::Query q(db, select);
    q.bind(1, id);
    while (q.step()) {
      auto value = nlohmann::json::parse(q.text(1), nullptr, false);
      if (value.is_discarded()) continue;
      scrub_json(value, typed);
      std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (text != q.text(1)) changed.emplace_back(q.integer(0), std::move(text));
    }
  }
  for (const auto& [key, text] : changed) {
    store::Query u(db, update);
    u.bind(1, key).bind(2, text);
    if (update.find("?3") != std::string::npos) u.bind(3, id);
    u.run();
  }
  return static_cast<int>(changed.size());
}

void add_typed(TypedText& typed, const nlohmann::json& in) {
  for (const char* key : {"text", "note", "reason"})
    if (in.contains(key) && in[key].is_string()) typed.add(in[key].get<std::string>());
}

// Everything typed in one conversation, wherever it was logged: the client's messages (answers,
// handoff reasons, live messages, notes, wrap-ups, voice speech, and the ref it chose), the
// frames it was shown (echoes, staff messages, the outcome summary's notes), the outbox
// payloads sent to connectors, the handoff's reason and wrap-up, the phone call's note, the
// alert words and the state's history. Returns whether anything was there to remove.
bool purge_one(store::Db& db, const std::string& id, std::int64_t now) {
  TypedText typed;
  {
    store::Query q(db, "SELECT message FROM turns WHERE conversation_id = ?1 AND direction = 'in'");
    q.bind(1, id);
    while (q.step()) add_typed(typed, nlohmann::json::parse(q.text(0), nullptr, false));
  }
  {
    store::Query q(db, "SELECT COALESCE(reason, ''), COALESCE(wrap_up, '') FROM handoffs WHERE conversation_id = ?1");
    q.bind(1, id);
    while (q.step()) typed.add(q.text(0)), typed.add(q.text(1));
  }
  {
    store::Query q(db, "SELECT COALESCE(wrap_up_note, '') FROM phone_calls WHERE conversation_id = ?1");
    q.bind(1, id);
    while (q.step()) typed.add(q.text(0));
  }
  std::string state_text;
  {
    store::Query q(db, "SELECT state FROM conversations WHERE id = ?1");
    q.bind(1, id);
    if (q.step()) state_text = q.text(0);
  }
  auto state = nlohmann::json::parse(state_text, nullptr, false);
  if (state.is_object() && state.contains("history"))
    for (const auto& step : state["history"])
      if (step.contains("text") && step["text"].is_string()) typed.add(step["text"].get<std::string>());

  int changed = scrub_rows(db, "SELECT seq, message FROM turns WHERE conversation_id = ?1", "UPDATE turns SET message = ?2 WHERE seq = ?1 AND conversation_id = ?3", id, typed);
  changed += scrub_rows(db, "SELECT id, payload FROM outbox WHERE conversation_id = ?1", "UPDATE outbox SET payload = ?2 WHERE id = ?1", id, typed);
  if (state.is_object()) {
    scrub_json(state, typed);
    store::Query u(db, "UPDATE conversations SET state = ?2, free_text_purged_at = ?3 WHERE id = ?1");
    u.bind(1, id).bind(2, state.dump()).bind(3, now).run();
  }
  store::Query handoffs(db, "UPDATE handoffs SET reason = CASE WHEN reason IS NULL THEN NULL ELSE ?2 END, "
                                         "wrap_up = CASE WHEN wrap_up IS NULL THEN NULL ELSE ?2 END WHERE conversation_id = ?1");
  handoffs.bind(1, id).bind(2, std::string(kPurged)).run();
  store::Query call(db, "UPDATE phone_calls SET wrap_up_note = ?2 WHERE conversation_id = ?1 AND wrap_up_note IS NOT NULL");
  call.bind(1, id).bind(2, std::string(kPurged)).run();
  store::Query alert_words(db, "UPDATE safety_alerts SET words = NULL WHERE conversation_id = ?1 AND words IS NOT NULL");
  alert_words.bind(1, id).run();
  return changed > 0 || !typed.empty();
}

// Conversations whose typed text is due: old enough, not on hold, changed since the last purge.
std::int64_t purge_free_text(store::Db& db, std::int64_t cutoff, std::int64_t handed_off_cutoff, std::int64_t now, bool dry_run) {
  std::vector<std::string> due;
  {
    store::Query q(db,
                       "SELECT id FROM conversations WHERE legal_hold = 0 AND ((status != 'handed_off' AND updated_at < ?1) OR "
                       "(status = 'handed_off' AND updated_at < ?2)) AND (free_text_purged_at IS NULL OR free_text_purged_at < updated_at)");
    q.bind(1, cutoff).bind(2, handed_off_cutoff);
    while (q.step()) due.push_back(q.text(0));
  }
  std::int64_t purged = 0;
  for (const auto& id : due) {
    if (dry_run) {
      std::string typed_any;
      for (const char* key : {"text", "note", "reason", "ref"})
        typed_any += (typed_any.empty() ? "" : " OR ") + store::sql_json_text(db, "message", key) + " IS NOT NULL";
      store::Query q(db, "SELECT 1 FROM turns WHERE conversation_id = ?1 AND direction = 'in' AND (" + typed_any + ") LIMIT 1");
      q.bind(1, id);
      purged += q.step() ? 1 : 0;
    } else if (purge_one(db, id, now)) {
      ++purged;
    }
  }
  return purged;
}

// The rows that belong to conversations, children first (foreign keys are on).
void delete_rows_of(store::Db& db, const std::string& ids_sql, std::int64_t a, std::int64_t b) {
  for (const char* table : {"turns", "review_notes", "reviews", "safety_alerts", "handoffs", "outbox", "phone_calls", "voice_calls", "hub_events", "practitioner_presence"}) {
    store::Query q(db, std::string("DELETE FROM ") + table + " WHERE conversation_id IN (" + ids_sql + ")");
    q.bind(1, a);
    if (ids_sql.find("?2") != std::string::npos) q.bind(2, b);
    q.run();
  }
}

}  // namespace

nlohmann::json PurgeCounts::to_json() const {
  return {{"resume_tokens", resume_tokens}, {"left_open", left_open}, {"free_text", free_text}, {"abandoned", abandoned},
          {"records", records},             {"audit_rows", audit_rows}, {"held", held}};
}

bool take_purge_turn(store::Db& db, bool wait) {
  if (db.dialect() != store::Dialect::postgresql) return true;
  // Advisory lock ids: 7311001 migrations (pg_migrate.cpp), 7311002 audit appends (audit_log.cpp).
  store::Query lock(db, wait ? "SELECT true, pg_advisory_xact_lock(7311003)" : "SELECT pg_try_advisory_xact_lock(7311003)");
  return lock.step() && lock.integer(0) != 0;
}

PurgeCounts purge(store::Db& db, const Retention& r, std::int64_t now, bool dry_run, const std::string& actor) {
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
    store::Query left(db, "UPDATE conversations SET status = 'abandoned', ended_at = updated_at, revision = revision + 1 WHERE status = 'active' AND updated_at < ?1");
    left.bind(1, token_cutoff).run();
    store::Query tokens(db, "UPDATE conversations SET token_hash = NULL WHERE token_hash IS NOT NULL AND started_at < ?1");
    tokens.bind(1, token_cutoff).run();
    delete_conversations(db, "legal_hold = 0 AND status = 'abandoned' AND updated_at < ?1", abandoned_cutoff);
    delete_conversations(db, "legal_hold = 0 AND started_at < ?1", record_cutoff);
  }
  c.free_text = purge_free_text(db, text_cutoff, handed_off_text_cutoff, now, dry_run);
  if (!dry_run) {
    // Old audit rows go, but the newest is always kept so the chain keeps its anchor.
    store::Query q(db, "DELETE FROM audit WHERE at < ?1 AND id < (SELECT MAX(id) FROM audit)");
    q.bind(1, audit_cutoff).run();
  }
  append_audit(db, {now, actor, dry_run ? "purge_dry_run" : "purge", c.to_json().dump(), "local"});
  return c;
}

EraseResult erase_conversation(store::Db& db, const std::string& id) {
  store::Query q(db, "SELECT legal_hold FROM conversations WHERE id = ?1");
  q.bind(1, id);
  if (!q.step()) return EraseResult::not_found;
  if (q.integer(0)) return EraseResult::held;
  q.reset();
  for (const char* table : {"turns", "review_notes", "reviews", "safety_alerts", "handoffs", "outbox", "phone_calls", "voice_calls", "hub_events", "practitioner_presence"}) {
    store::Query d(db, std::string("DELETE FROM ") + table + " WHERE conversation_id = ?1");
    d.bind(1, id).run();
  }
  store::Query d(db, "DELETE FROM conversations WHERE id = ?1");
  d.bind(1, id).run();
  return EraseResult::erased;
}

}  // namespace rc::staff
