// See hub_events_store.hpp.
#include "hub_events_store.hpp"

#include <optional>

#include "store/pg_db.hpp"

namespace rc::handoff {

namespace {
constexpr const char* kChannel = "rightconv_hub";
constexpr const char* kDbNowMs = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
}  // namespace

void append_hub_event(store::Db& db, const std::string& instance, const std::string& conversation_id, const std::string& body) {
  auto& insert = db.prepared(std::string("INSERT INTO hub_events (at, instance, conversation_id, body) VALUES (") + kDbNowMs + ", ?1, ?2, ?3) RETURNING id");
  insert.bind(1, instance).bind_optional(2, conversation_id.empty() ? std::nullopt : std::optional<std::string>(conversation_id)).bind(3, body);
  const std::string id = insert.step() ? std::to_string(insert.integer(0)) : "";
  insert.reset();
  db.prepared(std::string("SELECT pg_notify('") + kChannel + "', ?1)").bind(1, id).run();
}

void listen_for_hub_events(store::PgDb& db) { db.exec(std::string("LISTEN ") + kChannel); }

std::int64_t database_now_ms(store::PgDb& db) { return db.query(std::string("SELECT ") + kDbNowMs).integer(0, 0); }

std::vector<HubEventRow> hub_events_since(store::PgDb& db, std::int64_t from_ms, const std::string& not_instance) {
  auto rows = db.query("SELECT id, at, body FROM hub_events WHERE at >= $1 AND instance <> $2 ORDER BY id", {std::to_string(from_ms), not_instance});
  std::vector<HubEventRow> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) out.push_back({rows.integer(r, 0), rows.integer(r, 1), rows.text(r, 2)});
  return out;
}

std::vector<HubEventRow> hub_events_by_id(store::PgDb& db, const std::vector<std::string>& ids, const std::string& not_instance) {
  std::string array = "{";
  for (const auto& id : ids) {
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) continue;  // only row ids are announced
    array += (array.size() > 1 ? "," : "") + id;
  }
  array += "}";
  auto rows = db.query("SELECT id, at, body FROM hub_events WHERE id = ANY($1::bigint[]) AND instance <> $2 ORDER BY id", {array, not_instance});
  std::vector<HubEventRow> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) out.push_back({rows.integer(r, 0), rows.integer(r, 1), rows.text(r, 2)});
  return out;
}

void delete_hub_events_before(store::PgDb& db, std::int64_t ms) { db.query("DELETE FROM hub_events WHERE at < $1", {std::to_string(ms)}); }

}  // namespace rc::handoff
