// See email_connector.hpp. (Placeholder until the connector lands.)
#include "email_connector.hpp"

namespace rc::handoff {

Result<std::unique_ptr<Connector>> make_email_connector(const ConnectorContext& ctx) {
  return make_error("handoff.connectors." + ctx.name + ": the email connector is not built yet", ctx.config_file);
}

}  // namespace rc::handoff
