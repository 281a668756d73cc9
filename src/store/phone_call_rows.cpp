// See phone_call_rows.hpp.
#include "phone_call_rows.hpp"

namespace rc::store {

void record_call_taken(Db& db, const PhoneCallTaken& c) {
  db.prepared("INSERT INTO phone_calls (conversation_id, staff_id, started_at) VALUES (?1, ?2, ?3)")
      .bind(1, c.conversation_id).bind(2, c.staff_id).bind(3, c.at).run();
}

void record_call_wrap_up(Db& db, const PhoneCallWrapUp& w) {
  db.prepared(
        "UPDATE phone_calls SET wrapped_up_at = ?2, wrap_up_code = ?3, wrap_up_outcome = ?4, outcome_confirmed = ?5, wrap_up_note = ?6, "
        "caller_role = ?7, callback_promised = ?8 WHERE conversation_id = ?1 AND wrapped_up_at IS NULL")
      .bind(1, w.conversation_id).bind(2, w.at).bind(3, w.code).bind_optional(4, w.outcome)
      .bind(5, std::int64_t{w.outcome_confirmed}).bind(6, w.note).bind_optional(7, w.caller_role)
      .bind_optional(8, w.callback_promised ? std::optional<std::int64_t>(*w.callback_promised) : std::nullopt).run();
  if (db.changes() == 0) throw Refusal(WriteError::already_wrapped_up, "the call is already wrapped up");
}

std::optional<StoredPhoneCall> load_phone_call(Db& db, const std::string& conversation_id) {
  auto& q = db.prepared(
      "SELECT p.staff_id, COALESCE(s.display_name, p.staff_id), p.wrapped_up_at IS NOT NULL "
      "FROM phone_calls p LEFT JOIN staff s ON s.id = p.staff_id WHERE p.conversation_id = ?1");
  q.bind(1, conversation_id);
  std::optional<StoredPhoneCall> call;
  if (q.step()) call = StoredPhoneCall{q.text(0), q.text(1), q.integer(2) != 0};
  q.reset();
  return call;
}

}  // namespace rc::store
