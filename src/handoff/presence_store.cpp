// See presence_store.hpp.
#include "presence_store.hpp"

namespace rc::handoff {

void note_present(store::Db& db, const std::string& conversation_id, const std::string& instance, Millis now) {
  db.prepared("INSERT INTO practitioner_presence (conversation_id, instance, since) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (conversation_id, instance) DO NOTHING")
      .bind(1, conversation_id).bind(2, instance).bind(3, now).run();
}

void note_gone(store::Db& db, const std::string& conversation_id, const std::string& instance) {
  db.prepared("DELETE FROM practitioner_presence WHERE conversation_id = ?1 AND instance = ?2").bind(1, conversation_id).bind(2, instance).run();
}

std::unordered_set<std::string> present_elsewhere(store::Db& db, const std::string& instance, Millis alive_since) {
  auto& q = db.prepared("SELECT DISTINCT p.conversation_id FROM practitioner_presence p JOIN instances i ON i.id = p.instance "
                        "WHERE p.instance <> ?1 AND i.seen_at >= ?2");
  q.bind(1, instance).bind(2, alive_since);
  std::unordered_set<std::string> out;
  while (q.step()) out.insert(q.text(0));
  q.reset();
  return out;
}

void sync_presence(store::Db& db, const std::string& instance, const std::vector<std::string>& online, Millis now) {
  std::unordered_set<std::string> here(online.begin(), online.end());
  std::vector<std::string> gone;
  auto& q = db.prepared("SELECT conversation_id FROM practitioner_presence WHERE instance = ?1");
  q.bind(1, instance);
  while (q.step())
    if (!here.erase(q.text(0))) gone.push_back(q.text(0));
  q.reset();
  for (const auto& c : gone) note_gone(db, c, instance);
  for (const auto& c : here) note_present(db, c, instance, now);  // those left: connected, no row
}

void forget_presence_of(store::Db& db, const std::string& instance) {
  db.prepared("DELETE FROM practitioner_presence WHERE instance = ?1").bind(1, instance).run();
}

void forget_presence_of_gone_instances(store::Db& db) {
  db.prepared("DELETE FROM practitioner_presence WHERE instance NOT IN (SELECT id FROM instances)").run();
}

}  // namespace rc::handoff
