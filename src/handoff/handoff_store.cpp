// See handoff_store.hpp.
#include "handoff_store.hpp"

#include "store/review_queries.hpp"

namespace rc {

using json = nlohmann::json;

std::optional<HandoffRow> read_handoff(store::Db& db, const std::string& reference) {
  auto& q = db.prepared("SELECT conversation_id, status, route, queue, COALESCE(accepted_by, ''), COALESCE(staff_name, ''), COALESCE(via, ''), "
                        "urgent, unavailable_at FROM handoffs WHERE reference = ?1");
  q.bind(1, reference);
  std::optional<HandoffRow> r;
  if (q.step())
    r = HandoffRow{.conversation_id = q.text(0),
                   .status = store::handoff_state_of(q.text(1)).value_or(store::HandoffState::ended),
                   .route = q.text(2),
                   .queue = q.text(3),
                   .accepted_by = q.text(4),
                   .staff_name = q.text(5),
                   .via = q.text(6),
                   .urgent = q.integer(7) != 0,
                   .unavailable_at = q.is_null(8) ? std::nullopt : std::optional<Millis>(q.integer(8))};
  q.reset();
  return r;
}

json open_handoffs(store::Db& db, const std::string& scope) {
  // The conversation's readable reference too: what the practitioner reads out ("EH-..."), its id
  // for a conversation from before them.
  auto& q = db.prepared("SELECT h.reference, h.conversation_id, h.status, h.route, h.queue, h.urgent, h.item, h.requested_at, "
                        "COALESCE(h.staff_name, ''), COALESCE(h.accepted_by, ''), h.unavailable_at, COALESCE(c.reference, h.conversation_id) "
                        "FROM handoffs h LEFT JOIN conversations c ON c.id = h.conversation_id WHERE h.status IN ('requested', 'accepted') "
                        "AND (?1 = '' OR h.queue = ?1 OR h.queue = 'any') ORDER BY h.urgent DESC, h.requested_at DESC");
  q.bind(1, scope);
  json out = json::array();
  while (q.step()) {
    json item{{"reference", q.text(0)}, {"conversation", q.text(1)}, {"conversation_reference", q.text(11)}, {"status", q.text(2)}, {"route", q.text(3)}, {"queue", q.text(4)},
              {"urgent", q.integer(5) != 0}, {"item", json::parse(q.text(6), nullptr, false)}, {"requested_at", staff::iso_time(q.integer(7))},
              {"waiting_since_ms", q.integer(7)}, {"told_unavailable", !q.is_null(10)}};
    if (q.text(2) == "accepted") item["accepted"] = {{"name", q.text(8)}, {"by", q.text(9)}};
    out.push_back(std::move(item));
  }
  q.reset();
  return out;
}

std::vector<LapsedRequest> lapsed_requests(store::Db& db, Millis started_by) {
  auto& q = db.prepared("SELECT h.reference, h.conversation_id, h.route, h.queue FROM handoffs h JOIN conversations c ON c.id = h.conversation_id "
                        "WHERE h.status = 'requested' AND c.started_at <= ?1");
  q.bind(1, started_by);
  std::vector<LapsedRequest> out;
  while (q.step()) out.push_back({q.text(0), q.text(1), q.text(2), q.text(3)});
  q.reset();
  return out;
}

bool callback_seen(store::Db& db, const std::string& connector, const std::string& callback_id) {
  auto& seen = db.prepared("SELECT 1 FROM connector_callbacks WHERE connector = ?1 AND callback_id = ?2");
  seen.bind(1, connector).bind(2, callback_id);
  const bool repeated = seen.step();
  seen.reset();
  return repeated;
}

}  // namespace rc
