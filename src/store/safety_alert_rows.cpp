// See safety_alert_rows.hpp.
#include "safety_alert_rows.hpp"

#include <nlohmann/json.hpp>

namespace rc::store {

std::vector<SafetyAlertRow> safety_alert_rows(const std::string& conversation_id, const std::string& node, const std::string& source,
                                              const std::vector<Event>& events, std::int64_t at) {
  std::vector<SafetyAlertRow> rows;
  for (const auto& e : events) {
    const auto* alert = std::get_if<AlertEvent>(&e);
    if (!alert) continue;
    for (const auto& d : alert->detections)
      rows.push_back({.conversation_id = conversation_id, .node = node, .source = source, .level = d.level, .category = d.category,
                      .label = d.label, .words = nlohmann::json(d.words).dump(), .at = at, .rule_line = d.line});
  }
  return rows;
}

}  // namespace rc::store
