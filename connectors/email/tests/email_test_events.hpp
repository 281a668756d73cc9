// Handoff events for the email connector's tests, shaped like the thin payload in
// docs/connectors.md, with free text in them so the tests can check it stays out.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "handoff/connector.hpp"

namespace rc::test {

constexpr const char* kReason = "Worried about Jo after the call with mum";   // free text: the practitioner's reason
constexpr const char* kTypedAnswer = "Sleeps at nan's most weekends";          // free text: a typed answer

// 2026-11-25T10:32:05Z
constexpr handoff::Millis kCreatedAt = 1795602725000;

inline handoff::OutboundEvent requested_event(const std::string& event_id = "evt_5f0c1e2d3b4a59687766554433221100") {
  handoff::OutboundEvent e;
  e.outbox_id = 7;
  e.event_id = event_id;
  e.kind = "requested";
  e.reference = "HO-7KQ2-M9XD";
  e.conversation_id = "0193a5c1d2e3f4a5b6c7d8e9f0a1";
  e.connector = "east_email";
  e.created_at = kCreatedAt;
  e.payload = {
      {"type", "handoff.requested"},
      {"event_id", event_id},
      {"reference", e.reference},
      {"conversation", e.conversation_id},
      {"route", "east"},
      {"at", "2026-11-25T10:32:05Z"},
      {"data",
       {{"channel", "web"},
        {"dialog", "early-help"},
        {"outcome", "early_help_assessment"},
        {"outcome_title", "Early Help Assessment and a request to the hub"},
        {"area", "east"},
        {"consent", "yes"},
        {"urgent", false},
        {"answers",
         {{{"node", "danger"}, {"question", "Is the child in immediate danger?"}, {"answer", "No"}},
          {{"node", "agencies"}, {"question", "How many agencies are needed?"}, {"answer", "Several"}},
          {{"node", "home"}, {"question", "Where does the child sleep?"}, {"answer", kTypedAnswer}, {"typed", true}}}},
        {"reason", kReason},
        // A lone "." line would end SMTP DATA unless it is dot-stuffed; "£" and "é" are UTF-8.
        {"summary_text", "Early help in Leeds: summary\n.\n..two dots\nCost: £0, café visit\n"}}}};
  return e;
}

inline handoff::OutboundEvent event_of_kind(const std::string& kind, nlohmann::json data) {
  handoff::OutboundEvent e = requested_event("evt_00000000000000000000000000000042");
  e.kind = kind;
  e.payload["type"] = "handoff." + kind;
  e.payload["data"] = std::move(data);
  return e;
}

}  // namespace rc::test
