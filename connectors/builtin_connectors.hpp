// The connector types this build knows (console, webhook, email), registered by name. The
// composition root (src/cli) calls it; nothing in src/ knows the connectors otherwise.
#pragma once
#include "handoff/connector.hpp"

namespace rc::handoff {

void register_builtin_connectors(ConnectorRegistry& registry);

}  // namespace rc::handoff
