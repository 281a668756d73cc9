// Conversation ids and resume tokens: random from the operating system's CSPRNG.
#pragma once
#include <cstdint>
#include <string>

namespace rc {

// 16 random bytes as 32 hex characters (128 bits).
std::string random_token();
// Sortable by time: 12 hex characters of milliseconds, then 16 random hex characters.
std::string new_conversation_id(std::int64_t now_ms);
// A handoff reference people can read out and type: "HO-" and 8 characters of Crockford's
// base32 (no I, L, O, U) in two groups, e.g. "HO-7KQ2-M9XD" (40 bits).
std::string new_handoff_reference();
// An outbox event id: "evt_" and 32 hex characters.
std::string new_event_id();
// Compares without leaking where the first difference is.
bool equal_in_constant_time(const std::string& a, const std::string& b);

}  // namespace rc
