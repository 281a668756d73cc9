// Whether a phone call can be wrapped up as asked: a pure rule over the dialog's state and the
// wrap-up codes in content/wrap_up_codes.yaml (docs/protocol.md, "Phone calls").
#pragma once
#include <optional>

#include "core/engine.hpp"
#include "protocol/protocol.hpp"

namespace rc {

// nullopt when the wrap-up can be stored; otherwise the error to reply with (the call keeps
// its place, so the worker can correct the form and send it again).
std::optional<ErrorEvent> check_wrap_up(const Catalogue& content, const State& state, const protocol::WrapUpMsg& wrap_up);

}  // namespace rc
