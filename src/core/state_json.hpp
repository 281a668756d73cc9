// Conversation state to and from JSON, so a conversation can be stored and resumed.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "engine.hpp"
#include "result.hpp"

namespace rc {

nlohmann::json state_to_json(const State& state);
// state_to_json(state).dump(), written without the tree: what is stored on every turn. (Text that
// is not UTF-8, which input checks keep out, is written with U+FFFD where dump() would throw.)
std::string state_text(const State& state);
Result<State> state_from_json(const nlohmann::json& j);

}  // namespace rc
