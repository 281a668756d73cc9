// The handoff tables as the staff side reads them (migrations/004_handoffs_outbox.sql).
// Writes go through store::Record like every other change; these are the reads the
// handoff service makes inside its writer jobs.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/engine.hpp"
#include "store/sqlite_db.hpp"
#include "store/states.hpp"

namespace rc {

struct HandoffRow {
  std::string conversation_id;
  store::HandoffState status = store::HandoffState::requested;
  std::string route, queue, accepted_by, staff_name, via;
  bool urgent = false;
  std::optional<Millis> unavailable_at;
};

std::optional<HandoffRow> read_handoff(store::Db& db, const std::string& reference);
// Open handoffs (requested or accepted) a scope sees, urgent first, then newest: the console's queue.
nlohmann::json open_handoffs(store::Db& db, const std::string& scope);
// Waiting requests of conversations started at or before `started_by` (their chat link has lapsed).
struct LapsedRequest {
  std::string reference, conversation_id, route, queue;
};
std::vector<LapsedRequest> lapsed_requests(store::Db& db, Millis started_by);
// Whether a connector's callback with this id was already applied.
bool callback_seen(store::Db& db, const std::string& connector, const std::string& callback_id);

}  // namespace rc
