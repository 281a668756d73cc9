// The log rows of the safety alerts a piece of typed text raised: one per harm category, with
// the words that raised it, for hub review.
#pragma once
#include <string>
#include <vector>

#include "conversation_log.hpp"
#include "core/engine.hpp"

namespace rc::store {

// `source`: where the text was typed (answer, handoff_reason, message, note, wrap_up, speech).
std::vector<SafetyAlertRow> safety_alert_rows(const std::string& conversation_id, const std::string& node, const std::string& source,
                                              const std::vector<Event>& events, std::int64_t at);

}  // namespace rc::store
