// See webhook_connector.hpp. (Placeholder until the connector lands.)
#include "webhook_connector.hpp"

namespace rc::handoff {

Result<std::unique_ptr<Connector>> make_webhook_connector(const ConnectorContext& ctx) {
  return make_error("handoff.connectors." + ctx.name + ": the webhook connector is not built yet", ctx.config_file);
}

}  // namespace rc::handoff
