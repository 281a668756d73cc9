// The console connector: hub staff signed in to the staff console (/v1/staff) see the handoff
// in their queue. The queue itself is the handoffs table, so "delivered" means the consoles
// connected now have been told; a console that connects later reads the queue on sign-in.
#pragma once
#include "handoff/connector.hpp"

namespace rc::handoff {

Result<std::unique_ptr<Connector>> make_console_connector(const ConnectorContext& ctx);

}  // namespace rc::handoff
