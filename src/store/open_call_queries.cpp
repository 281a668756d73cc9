// See open_call_queries.hpp.
#include "open_call_queries.hpp"

namespace rc::store {

std::vector<OpenCall> open_calls_of(Db& db, const std::string& staff_id) {
  Query q(db,
              "SELECT c.id, COALESCE(c.reference, c.id), c.dialog_id, c.dialog_version, c.state, p.started_at "
              "FROM phone_calls p JOIN conversations c ON c.id = p.conversation_id "
              "WHERE p.staff_id = ?1 AND p.wrapped_up_at IS NULL AND c.ended_at IS NULL AND c.status <> 'abandoned' "
              "ORDER BY p.started_at DESC, c.id DESC");
  q.bind(1, staff_id);
  std::vector<OpenCall> out;
  while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.integer(5)});
  return out;
}

}  // namespace rc::store
