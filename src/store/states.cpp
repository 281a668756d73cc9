// See states.hpp.
#include "states.hpp"

#include <array>
#include <utility>

namespace rc::store {

namespace {

constexpr std::array<std::pair<ConversationStatus, std::string_view>, 4> kConversation{{
    {ConversationStatus::active, "active"},
    {ConversationStatus::completed, "completed"},
    {ConversationStatus::abandoned, "abandoned"},
    {ConversationStatus::handed_off, "handed_off"},
}};

constexpr std::array<std::pair<HandoffState, std::string_view>, 6> kHandoff{{
    {HandoffState::requested, "requested"},
    {HandoffState::accepted, "accepted"},
    {HandoffState::ended, "ended"},
    {HandoffState::cancelled, "cancelled"},
    {HandoffState::unavailable, "unavailable"},
    {HandoffState::expired, "expired"},
}};

template <class E, std::size_t N>
std::string_view name_in(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return "unknown";
}

template <class E, std::size_t N>
std::optional<E> value_in(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
  for (const auto& [e, name] : table)
    if (name == text) return e;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ConversationStatus s) { return name_in(kConversation, s); }
std::string_view to_string(HandoffState s) { return name_in(kHandoff, s); }
std::optional<ConversationStatus> conversation_status_of(std::string_view text) { return value_in(kConversation, text); }
std::optional<HandoffState> handoff_state_of(std::string_view text) { return value_in(kHandoff, text); }

}  // namespace rc::store
