// The plain text of the email a hub mailbox receives for each kind of handoff event: what a
// person at the hub needs to find the request (the reference) and judge it at a glance.
// Pure: built from the event alone.
#pragma once
#include <string>

#include "handoff/connector.hpp"

namespace rc::handoff {

// The body ("\n" line ends, UTF-8). The practitioner's free text (the reason, typed answers,
// message text) appears only when `include_free_text` is true AND the payload carries it: the
// server already leaves it out for a connector that does not include free text, and this is
// the second lock on the same door.
std::string email_body(const OutboundEvent& event, bool include_free_text);

// "2026-11-25 10:32:05 UTC"
std::string utc_time_text(Millis when);

}  // namespace rc::handoff
