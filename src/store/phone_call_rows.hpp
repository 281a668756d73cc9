// The phone_calls table (migrations/006_phone_calls.sql): who took a call and its wrap-up.
// Run on the writer thread, inside the transaction of the turn that caused them.
#pragma once
#include <optional>
#include <string>

#include "conversation_log.hpp"
#include "sqlite_db.hpp"

namespace rc::store {

void record_call_taken(Db& db, const PhoneCallTaken& call);
// Throws kAlreadyWrappedUp when the call already has one (two tabs wrapping up at once).
void record_call_wrap_up(Db& db, const PhoneCallWrapUp& wrap_up);
std::optional<StoredPhoneCall> load_phone_call(Db& db, const std::string& conversation_id);

}  // namespace rc::store
