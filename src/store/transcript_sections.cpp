// See transcript_sections.hpp.
#include "transcript_sections.hpp"

#include "review_queries.hpp"

namespace rc::staff {

using json = nlohmann::json;

namespace {

json time_or_null(store::Statement& q, int column) { return q.is_null(column) ? json(nullptr) : json(iso_time(q.integer(column))); }
json text_or_null(store::Statement& q, int column) { return q.is_null(column) ? json(nullptr) : json(q.text(column)); }

}  // namespace

json hubs_json(store::Db& db, const std::string& conversation_id) {
  json out = json::array();
  store::Query q(db, "SELECT hub, why FROM conversation_hubs WHERE conversation_id = ?1 ORDER BY hub, why");
  q.bind(1, conversation_id);
  while (q.step()) out.push_back({{"hub", q.text(0)}, {"why", q.text(1)}});
  return out;
}

json handoffs_json(store::Db& db, const std::string& conversation_id) {
  json out = json::array();
  store::Query q(db,
                     "SELECT h.reference, h.status, h.urgent, h.reason, h.requested_at, h.unavailable_at, h.accepted_at, h.staff_name, h.ended_at, "
                     "COALESCE(s.display_name, h.ended_by), h.wrap_up, h.route "
                     "FROM handoffs h LEFT JOIN staff s ON s.id = h.ended_by WHERE h.conversation_id = ?1 ORDER BY h.requested_at, h.reference");
  q.bind(1, conversation_id);
  while (q.step())
    out.push_back({{"reference", q.text(0)}, {"status", q.text(1)}, {"urgent", q.integer(2) != 0}, {"reason", text_or_null(q, 3)},
                   {"requested_at", iso_time(q.integer(4))}, {"told_unavailable_at", time_or_null(q, 5)}, {"accepted_at", time_or_null(q, 6)},
                   {"accepted_by", text_or_null(q, 7)}, {"ended_at", time_or_null(q, 8)}, {"ended_by", text_or_null(q, 9)},
                   {"wrap_up", text_or_null(q, 10)}, {"route", q.text(11)}});
  return out;
}

}  // namespace rc::staff
