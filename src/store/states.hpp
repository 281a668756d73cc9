// The states a conversation and a handoff move through. Enums everywhere inside; text only
// where they meet SQL (these names are the stored values) and JSON.
#pragma once
#include <optional>
#include <string_view>

namespace rc::store {

// handed_off is set by the store itself when a person accepts; the chat never asks for it.
enum class ConversationStatus { active, completed, abandoned, handed_off };
// unavailable: no one could take it when asked (contacts only), so it never waited.
// expired: the server closed a request whose practitioner can no longer come back.
enum class HandoffState { requested, accepted, ended, cancelled, unavailable, expired };

std::string_view to_string(ConversationStatus s);
std::string_view to_string(HandoffState s);
std::optional<ConversationStatus> conversation_status_of(std::string_view text);
std::optional<HandoffState> handoff_state_of(std::string_view text);

}  // namespace rc::store
