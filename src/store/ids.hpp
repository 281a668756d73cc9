// Conversation ids and resume tokens: random from the operating system's CSPRNG.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rc {

// 16 random bytes as 32 hex characters (128 bits).
std::string random_token();
// Sortable by time: 12 hex characters of milliseconds, then 16 random hex characters.
std::string new_conversation_id(std::int64_t now_ms);
// A handoff reference people can read out and type: "HO-" and 8 characters of Crockford's
// base32 (no I, L, O, U) in two groups, e.g. "HO-7KQ2-M9XD" (40 bits).
std::string new_handoff_reference();
// A conversation's reference, made the same way: "EH-7KQ2-M9XD". Random, so it can clash: the
// conversations table's unique index refuses a clash (WriteError::reference_taken).
std::string new_conversation_reference();
// A conversation reference as someone typed or read it out ("eh 7kq2 m9xd", "7KQ2M9XD", an O
// for a 0): "EH-7KQ2-M9XD", or nullopt when it is not one.
std::optional<std::string> conversation_reference_of(std::string_view typed);
// An outbox event id: "evt_" and 32 hex characters.
std::string new_event_id();
// Compares without leaking where the first difference is.
bool equal_in_constant_time(const std::string& a, const std::string& b);

}  // namespace rc
