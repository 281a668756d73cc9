// The email connector: sends a hub mailbox a plain-text summary of each handoff event over SMTP
// (STARTTLS and AUTH through libcurl), headed by the handoff reference. Settings, message and
// delivery mapping: connectors/email/README.md; the interface: docs/connectors.md.
#pragma once
#include "handoff/connector.hpp"

namespace rc::handoff {

// Settings errors name the key, e.g. "handoff.connectors.east_email.to: expected a list of email addresses".
Result<std::unique_ptr<Connector>> make_email_connector(const ConnectorContext& ctx);

}  // namespace rc::handoff
