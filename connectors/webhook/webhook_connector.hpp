// The webhook connector: see docs/connectors.md.
#pragma once
#include "handoff/connector.hpp"

namespace rc::handoff {

Result<std::unique_ptr<Connector>> make_webhook_connector(const ConnectorContext& ctx);

}  // namespace rc::handoff
