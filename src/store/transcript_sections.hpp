// The parts of a conversation's transcript that are not its turns: the hubs it belongs to (and
// why), and its handoffs to a person (who took each, when, how it ended, the wrap-up note).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "store/sqlite_db.hpp"

namespace rc::staff {

// [{"hub":"east","why":"area"}...]: why is area, work_area, call_taker or handoff.
nlohmann::json hubs_json(store::Db& db, const std::string& conversation_id);
// Oldest first: reference, status, urgent, reason, requested_at, told_unavailable_at,
// accepted_at, accepted_by (the name shown), ended_at, ended_by, wrap_up.
nlohmann::json handoffs_json(store::Db& db, const std::string& conversation_id);

}  // namespace rc::staff
