// See sqlite_conversation_log.hpp.
#include "sqlite_conversation_log.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "db_errors.hpp"
#include "ids.hpp"
#include "logged_frames.hpp"
#include "phone_call_rows.hpp"

namespace rc::store {

namespace {

void record_callback(Db& db, const CallbackSeen& c) {
  auto& q = db.prepared("INSERT INTO connector_callbacks (connector, callback_id, received_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  q.bind(1, c.connector).bind(2, c.callback_id).bind(3, c.at).run();
  if (db.changes() == 0) throw Refusal(WriteError::duplicate_callback, "callback already applied");
}

void open_handoff(Db& db, const HandoffOpen& h) {
  try {
    db.prepared(
          "INSERT INTO handoffs (reference, conversation_id, status, route, queue, area, outcome, urgent, reason, item, requested_at, "
          "deadline_at, unavailable_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?11)")
        .bind(1, h.reference).bind(2, h.conversation_id).bind(3, std::string(to_string(h.status))).bind(4, h.route).bind(5, h.queue).bind_optional(6, h.area)
        .bind_optional(7, h.outcome).bind(8, std::int64_t{h.urgent}).bind_optional(9, h.reason).bind(10, h.item).bind(11, h.requested_at)
        .bind(12, h.deadline_at).bind_optional(13, h.unavailable_at).run();
  } catch (const std::exception& e) {
    if (is_constraint_violation(e)) throw Refusal(WriteError::handoff_open, "the conversation already has an open handoff");
    throw;
  }
}

std::string in_list(const std::vector<HandoffState>& states) {
  std::string out;
  for (const auto s : states) out += (out.empty() ? "'" : ",'") + std::string(to_string(s)) + "'";  // our own names, never input
  return out;
}

std::optional<std::string> text_of(const std::optional<HandoffState>& s) { return s ? std::optional<std::string>(to_string(*s)) : std::nullopt; }

void change_handoff(Db& db, const HandoffChange& c) {
  db.prepared("UPDATE handoffs SET status = COALESCE(?2, status), unavailable_at = COALESCE(?3, unavailable_at), "
              "accepted_at = CASE WHEN ?2 = 'accepted' THEN ?4 ELSE accepted_at END, accepted_by = COALESCE(?5, accepted_by), "
              "staff_name = COALESCE(?6, staff_name), via = COALESCE(?7, via), "
              "ended_at = CASE WHEN ?2 IN ('ended', 'cancelled', 'expired') THEN ?4 ELSE ended_at END, ended_by = COALESCE(?8, ended_by), "
              "wrap_up = COALESCE(?9, wrap_up), closed_reason = COALESCE(?10, closed_reason), updated_at = ?4 WHERE reference = ?1 AND status IN (" + in_list(c.from) + ")")
      .bind(1, c.reference).bind_optional(2, text_of(c.to)).bind_optional(3, c.unavailable_at).bind(4, c.at).bind_optional(5, c.accepted_by)
      .bind_optional(6, c.staff_name).bind_optional(7, c.via).bind_optional(8, c.ended_by).bind_optional(9, c.wrap_up)
      .bind_optional(10, c.closed_reason).run();
  if (db.changes() == 0) throw Refusal(WriteError::handoff_stale, "the handoff is no longer in that state");
  // A conversation a person took part in is kept as handed_off (its free text is kept longer).
  if (c.to == HandoffState::accepted)
    db.prepared("UPDATE conversations SET status = 'handed_off' WHERE id = (SELECT conversation_id FROM handoffs WHERE reference = ?1)")
        .bind(1, c.reference).run();
}

void queue_event(Db& db, const OutboxRow& o) {
  db.prepared("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?7)")
      .bind(1, o.event_id).bind(2, o.connector).bind(3, o.conversation_id).bind(4, o.reference).bind(5, o.kind).bind(6, o.payload)
      .bind(7, o.created_at).run();
}

// The turns that carried live messages since the handoff began: the server's frames (an
// array each), which hold both the echo of what the practitioner typed and what staff wrote.
std::vector<StoredHandoff::LoggedFrames> handoff_messages(Db& db, const std::string& conversation_id, std::int64_t since) {
  std::vector<StoredHandoff::LoggedFrames> out;
  LoggedFrameReader logged(db);
  auto& q = db.prepared(
      "SELECT at, message FROM turns WHERE conversation_id = ?1 AND at >= ?2 AND direction = 'out' AND message LIKE '%\"type\":\"message\"%' ORDER BY seq");
  q.bind(1, conversation_id).bind(2, since);
  while (q.step()) out.push_back({q.integer(0), q.text(1)});
  q.reset();
  for (auto& m : out) m.frames = logged.expanded_text(m.frames);
  return out;
}

std::optional<StoredHandoff> load_open_handoff(Db& db, const std::string& conversation_id) {
  auto& q = db.prepared(
      "SELECT reference, status, COALESCE(staff_name, ''), route, urgent, requested_at, deadline_at, unavailable_at, accepted_at "
      "FROM handoffs WHERE conversation_id = ?1 AND status IN ('requested', 'accepted')");
  q.bind(1, conversation_id);
  std::optional<StoredHandoff> h;
  if (q.step()) {
    h.emplace();
    h->reference = q.text(0);
    h->status = handoff_state_of(q.text(1)).value_or(HandoffState::requested);
    h->staff_name = q.text(2);
    h->route = q.text(3);
    h->urgent = q.integer(4) != 0;
    h->requested_at = q.integer(5);
    h->deadline_at = q.integer(6);
    if (!q.is_null(7)) h->unavailable_at = q.integer(7);
    if (!q.is_null(8)) h->accepted_at = q.integer(8);
  }
  q.reset();
  if (h) h->messages = handoff_messages(db, conversation_id, h->requested_at);
  return h;
}

// The templates this connection has not committed yet. A turn costs no statement for those it
// has: Db::WrittenOnce forgets what a rollback undid, and a connection opened again knows none.
// In id order, so that instances sharing a PostgreSQL database rarely wait on each other's new
// templates in a cycle (if they do, PostgreSQL aborts one batch and the writer retries it
// record by record).
void write_templates(Db& db, const std::vector<std::shared_ptr<const FrameTemplate>>& templates) {
  std::vector<const FrameTemplate*> fresh;
  for (const auto& t : templates)
    if (!db.written_once().has(t->id)) fresh.push_back(t.get());
  if (fresh.empty()) return;
  std::sort(fresh.begin(), fresh.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  auto& insert = db.prepared("INSERT INTO frame_templates (id, body) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
  for (const auto* t : fresh) {
    if (db.written_once().has(t->id)) continue;  // named twice in this record
    insert.bind_borrowed(1, t->id).bind_borrowed(2, t->body).run();
    db.written_once().add(t->id);
  }
}

void start_conversation(Db& db, const NewConversation& c) {
  try {
    db.prepared(
          "INSERT INTO conversations (id, dialog_id, dialog_version, channel, started_at, updated_at, status, token_hash, state, reference) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'active', ?6, ?7, ?8)")
        .bind(1, c.id).bind(2, c.dialog_id).bind(3, c.dialog_version).bind(4, c.channel).bind(5, c.started_at)
        .bind(6, c.token_hash).bind(7, c.state).bind_optional(8, c.reference.empty() ? std::nullopt : std::optional(c.reference)).run();
  } catch (const std::exception& e) {
    // The id is 64 random bits past the time, the reference 40: only the reference's index can refuse it.
    if (is_unique_violation(e)) throw Refusal(WriteError::reference_taken, "the conversation reference is taken");
    throw;
  }
}

void record_alert(Db& db, const SafetyAlertRow& a) {
  db.prepared("INSERT INTO safety_alerts (conversation_id, at, node, source, level, category, label, words, rule_line) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
      .bind(1, a.conversation_id).bind(2, a.at).bind(3, a.node).bind(4, a.source).bind(5, a.level).bind(6, a.category)
      .bind(7, a.label).bind(8, a.words).bind(9, static_cast<std::int64_t>(a.rule_line)).run();
}

// One UPDATE of `u`; `set_status` false: only where the status needs no change. True when a row changed.
bool run_update(Db& db, const ConversationUpdate& u, bool set_status) {
  std::string sql = set_status ? "UPDATE conversations SET state = ?1, status = CASE WHEN status = 'handed_off' THEN status ELSE ?2 END, updated_at = ?3, "
                                 "revision = revision + 1"
                               : "UPDATE conversations SET state = ?1, updated_at = ?3, revision = revision + 1";
  int n = 3;
  std::vector<std::pair<int, const std::string*>> texts;
  auto set_if_given = [&](const char* column, const std::optional<std::string>& value) {
    if (!value) return;
    sql += std::string(", ") + column + " = ?" + std::to_string(++n);
    texts.emplace_back(n, &*value);
  };
  set_if_given("outcome", u.outcome);
  set_if_given("outcome_node", u.outcome_node);
  set_if_given("area", u.area);
  set_if_given("work_area", u.work_area);
  set_if_given("agency", u.agency);
  const int ended_at = u.ended_at ? ++n : 0;
  if (ended_at) sql += ", ended_at = ?" + std::to_string(ended_at);
  const int id = ++n;
  sql += " WHERE id = ?" + std::to_string(id);
  if (!set_status) sql += " AND (status = ?2 OR status = 'handed_off')";
  const int revision = u.expected_revision ? ++n : 0;
  if (revision) sql += " AND revision = ?" + std::to_string(revision);

  auto& q = db.prepared(sql);
  const std::string status(to_string(u.status));
  q.bind_borrowed(1, u.state).bind_borrowed(2, status).bind(3, u.updated_at);
  for (const auto& [i, value] : texts) q.bind_borrowed(i, *value);
  if (ended_at) q.bind(ended_at, *u.ended_at);
  q.bind_borrowed(id, u.id);
  if (revision) q.bind(revision, *u.expected_revision);
  q.run();
  if (db.changes() > 0) return true;
  if (set_status && u.expected_revision) throw Refusal(WriteError::conflict, "conversation moved on elsewhere");  // rolls back this record only
  return false;
}

// Only the columns given are written: one left out keeps its value, and an update without the
// area, work_area or agency neither fires their triggers nor touches their index, which is most
// turns (issue 18). Every parameter number up to the last is used, so PostgreSQL sees no gap.
//
// The status is written only when it changes: naming it makes SQLite check the column's CHECK
// and rewrite the row's entry in conversations_by_status, whatever the value (before migration
// 019 the CHECK's IN list also built a temporary b-tree each time: half the update's cost). So
// the update first runs for a row whose status already is the one given (or handed_off, which a
// turn never changes); only when that finds no row does it run again setting the status, and
// that second run decides (a stale revision is refused there).
void update_conversation(Db& db, const ConversationUpdate& u) {
  if (!run_update(db, u, false)) run_update(db, u, true);
}

}  // namespace

void SqliteConversationLog::apply(Db& db, const Record& r) {
  if (r.callback) record_callback(db, *r.callback);
  write_templates(db, r.templates);
  if (r.start) start_conversation(db, *r.start);
  if (r.call_taken) record_call_taken(db, *r.call_taken);
  for (const auto& u : r.updates) update_conversation(db, u);
  // Turns are numbered here, in commit order, so two connections on one conversation (two tabs)
  // cannot collide; the session's own count is only a hint.
  auto& insert = db.prepared(
      "INSERT INTO turns (conversation_id, seq, at, node, direction, message) "
      "VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE conversation_id = ?1), ?2, ?3, ?4, ?5)");
  for (const auto& t : r.turns)
    insert.bind_borrowed(1, t.conversation_id).bind(2, t.at).bind_borrowed(3, t.node).bind_borrowed(4, t.direction).bind_borrowed(5, t.message).run();
  if (r.open_handoff) open_handoff(db, *r.open_handoff);
  for (const auto& c : r.handoff_changes) change_handoff(db, c);
  for (const auto& o : r.outbox) queue_event(db, o);
  if (r.call_wrap_up) record_call_wrap_up(db, *r.call_wrap_up);
  if (r.audit) staff::append_audit(db, *r.audit);
  for (const auto& a : r.alerts) record_alert(db, a);
}

std::string SqliteConversationLog::unused_reference(Db& db) {
  auto& taken = db.prepared("SELECT 1 FROM conversations WHERE reference = ?1");
  for (;;) {
    std::string reference = new_conversation_reference();
    taken.bind(1, reference);
    const bool clash = taken.step();
    taken.reset();
    if (!clash) return reference;
  }
}

void SqliteConversationLog::write(Record record, Done done) {
  auto shared = std::make_shared<Record>(std::move(record));
  writer_.submit([shared](Db& db) { apply(db, *shared); }, std::move(done));
}

void SqliteConversationLog::load(const std::string& conversation_id, Loaded done) {
  auto found = std::make_shared<std::optional<StoredConversation>>();
  writer_.submit(
      [found, conversation_id](Db& db) {
        auto& q = db.prepared(
            "SELECT id, dialog_id, dialog_version, channel, status, token_hash, state, ended_at, revision, started_at, COALESCE(reference, id), "
            "COALESCE(work_area, ''), COALESCE(agency, '') FROM conversations WHERE id = ?1");
        q.bind(1, conversation_id);
        if (q.step()) {
          StoredConversation c;
          c.id = q.text(0);
          c.dialog_id = q.text(1);
          c.dialog_version = q.text(2);
          c.channel = q.text(3);
          c.status = conversation_status_of(q.text(4)).value_or(ConversationStatus::active);
          c.token_hash = q.text(5);
          c.state = q.text(6);
          if (!q.is_null(7)) c.ended_at = q.integer(7);
          c.revision = q.integer(8);
          c.started_at = q.integer(9);
          c.reference = q.text(10);
          c.work_area = q.text(11);
          c.agency = q.text(12);
          *found = std::move(c);
        }
        q.reset();
        if (*found) (*found)->handoff = load_open_handoff(db, conversation_id);
        if (*found && (*found)->channel == "phone") (*found)->call = load_phone_call(db, conversation_id);
      },
      [found, done = std::move(done)](const WriteResult& result) { done(result.ok() ? *found : std::nullopt, result); });
}

void SqliteConversationLog::remember_dialog(const std::string& dialog_id, const std::string& version, const std::string& declared,
                                            const std::string& source_text, std::int64_t now, Done done) {
  writer_.submit(
      [=](Db& db) {
        db.prepared("INSERT INTO dialog_versions (dialog_id, version, declared, source_text, first_served) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
            .bind(1, dialog_id).bind(2, version).bind(3, declared).bind(4, source_text).bind(5, now).run();
      },
      std::move(done));
}

}  // namespace rc::store
