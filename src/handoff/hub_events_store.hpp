// The hub_events table (migrations/014_hub_events.sql): handoff news passed between instances
// that share a PostgreSQL database (hub_relay.hpp). Times are the database's clock, so
// instances whose clocks differ agree on what is recent.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace rc::store {
class PgDb;
}

namespace rc::handoff {

struct HubEventRow {
  std::int64_t id = 0, at = 0;
  std::string body;
};

// Adds one row and announces its id on the channel; PostgreSQL sends the NOTIFY when the
// transaction commits, so no instance reads a row that is not there.
void append_hub_event(store::Db& db, const std::string& instance, const std::string& conversation_id, const std::string& body);
// From now on this connection hears the announcements (store::PgDb::notifications).
void listen_for_hub_events(store::PgDb& db);
std::int64_t database_now_ms(store::PgDb& db);
// Other instances' rows from `from_ms` on, oldest id first.
std::vector<HubEventRow> hub_events_since(store::PgDb& db, std::int64_t from_ms, const std::string& not_instance);
// The rows named by these announcements (their payloads), of other instances, oldest id first.
std::vector<HubEventRow> hub_events_by_id(store::PgDb& db, const std::vector<std::string>& ids, const std::string& not_instance);
void delete_hub_events_before(store::PgDb& db, std::int64_t ms);

}  // namespace rc::handoff
