// What a handoff request is made of, worked out from the conversation: its facts (outcome,
// area, consent, urgency), the route it takes, the contacts for "no one is free", and the thin
// payloads connectors receive (docs/connectors.md). Pure: no I/O, ids and time passed in.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/engine.hpp"
#include "handoff_config.hpp"

namespace rc {

struct HandoffFacts {
  std::string dialog, channel;
  std::optional<std::string> outcome, outcome_title, area, consent;
  bool urgent = false;  // the reason or a typed answer raised the safety interrupt
};

HandoffFacts handoff_facts(const Dialog& dialog, const Catalogue& content, const State& state, const std::string& channel,
                           const std::string& reason);

// The first route whose match agrees with the facts; null when none does (a configuration
// with no catch-all route: the caller answers unavailable with Duty and Advice).
const HandoffRoute* choose_route(const HandoffConfig& config, const HandoffFacts& facts);

// The route's contacts as the practitioner may see them: unknown ids and withheld details left out.
std::vector<ContactView> route_contacts(const Catalogue& content, const std::vector<std::string>& contact_ids);

// The "data" of a handoff.requested event; `conversation_reference` is the conversation's readable
// reference ("EH-7KQ2-M9XD"), which its summary names.
nlohmann::json requested_data(const Dialog& dialog, const Catalogue& content, const State& state, const HandoffFacts& facts,
                              const std::string& reason, bool include_free_text, const std::string& conversation_reference, Millis now);

// The whole payload: {type: "handoff.<kind>", event_id, reference, conversation, route, queue, at, data}.
nlohmann::json event_payload(const std::string& kind, const std::string& event_id, const std::string& reference,
                             const std::string& conversation_id, const std::string& route, const std::string& queue, Millis at,
                             nlohmann::json data);

// What the staff console queue shows for a handoff: the path and outcome so far (no free text;
// staff read the conversation itself, which is audited).
nlohmann::json queue_item(const Dialog& dialog, const Catalogue& content, const State& state, const HandoffFacts& facts);

std::string iso8601(Millis at);

}  // namespace rc
