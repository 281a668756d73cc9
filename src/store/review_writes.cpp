// See review_writes.hpp.
#include "review_writes.hpp"

#include "review_queries.hpp"

namespace rc::staff {

using json = nlohmann::json;

void save_review(store::Db& db, const ReviewNote& r) {
  db.prepared("INSERT INTO review_notes (conversation_id, at, author, state, note) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, r.conversation_id).bind(2, r.at).bind(3, r.author).bind(4, r.state).bind(5, r.note).run();
  db.prepared("INSERT INTO reviews (conversation_id, state, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) "
              "ON CONFLICT (conversation_id) DO UPDATE SET state = ?2, updated_at = ?3, updated_by = ?4")
      .bind(1, r.conversation_id).bind(2, r.state).bind(3, r.at).bind(4, r.author).run();
}

bool set_legal_hold(store::Db& db, const std::string& conversation_id, bool hold) {
  db.prepared("UPDATE conversations SET legal_hold = ?2 WHERE id = ?1").bind(1, conversation_id).bind(2, std::int64_t{hold}).run();
  return db.changes() > 0;
}

json audit_page(store::Db& db, std::int64_t before, int limit) {
  store::Query q(db, "SELECT id, at, actor, action, target, address FROM audit WHERE id < ?1 ORDER BY id DESC LIMIT ?2");
  q.bind(1, before).bind(2, std::int64_t{limit});
  json items = json::array();
  while (q.step())
    items.push_back({{"id", q.integer(0)}, {"at", iso_time(q.integer(1))}, {"actor", q.text(2)}, {"action", q.text(3)},
                     {"target", json::parse(q.text(4), nullptr, false)}, {"address", q.text(5)}});
  return items;
}

namespace {

std::map<std::string, std::int64_t> by_status(store::Db& db, const char* sql) {
  store::Query q(db, sql);
  std::map<std::string, std::int64_t> out;
  while (q.step()) out[q.text(0)] = q.integer(1);
  return out;
}

}  // namespace

std::map<std::string, std::int64_t> conversations_by_status(store::Db& db) {
  return by_status(db, "SELECT status, COUNT(*) FROM conversations GROUP BY status");
}

std::map<std::string, std::int64_t> outbox_by_status(store::Db& db) { return by_status(db, "SELECT status, COUNT(*) FROM outbox GROUP BY status"); }

}  // namespace rc::staff
