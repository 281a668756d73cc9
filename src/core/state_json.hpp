// Conversation state to and from JSON, so a conversation can be stored and resumed.
#pragma once
#include <nlohmann/json.hpp>

#include "engine.hpp"
#include "result.hpp"

namespace rc {

nlohmann::json state_to_json(const State& state);
Result<State> state_from_json(const nlohmann::json& j);

}  // namespace rc
