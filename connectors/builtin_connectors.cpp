// The connector types this build knows. A new connector adds its folder and one line here.
#include "console/console_connector.hpp"
#include "email/email_connector.hpp"
#include "builtin_connectors.hpp"
#include "webhook/webhook_connector.hpp"

namespace rc::handoff {

void register_builtin_connectors(ConnectorRegistry& registry) {
  registry.add("console", make_console_connector);
  registry.add("webhook", make_webhook_connector);
  registry.add("email", make_email_connector);
}

}  // namespace rc::handoff
