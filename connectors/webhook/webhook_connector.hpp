// The webhook connector: delivers handoff events to a ticketing or case system as signed
// Standard Webhooks POSTs, and takes the system's signed callbacks. See docs/connectors.md.
#pragma once
#include "handoff/connector.hpp"

namespace rc::handoff {

Result<std::unique_ptr<Connector>> make_webhook_connector(const ConnectorContext& ctx);

}  // namespace rc::handoff
