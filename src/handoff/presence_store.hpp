// The practitioner_presence table (migrations/016_practitioner_presence.sql): which instance a
// practitioner with an open handoff is connected to, when instances share the database.
#pragma once
#include <string>
#include <unordered_set>
#include <vector>

#include "store/db.hpp"
#include "connector.hpp"

namespace rc::handoff {

void note_present(store::Db& db, const std::string& conversation_id, const std::string& instance, Millis now);
void note_gone(store::Db& db, const std::string& conversation_id, const std::string& instance);
// The conversations whose practitioner is connected to another instance that was alive at
// `alive_since` or later (instances.seen_at).
std::unordered_set<std::string> present_elsewhere(store::Db& db, const std::string& instance, Millis alive_since);
// Makes this instance's rows exactly `online` (those connected here now), putting right any
// change whose write was lost.
void sync_presence(store::Db& db, const std::string& instance, const std::vector<std::string>& online, Millis now);
// This instance's rows, as it stops.
void forget_presence_of(store::Db& db, const std::string& instance);
// Rows of instances no longer listed (deleted a day after they fell silent).
void forget_presence_of_gone_instances(store::Db& db);

}  // namespace rc::handoff
