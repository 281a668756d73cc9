// The email connector's settings (handoff.connectors.<name> with "type": "email"), parsed once
// at start-up into the pieces the sender and the message need. Every error names its key.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/result.hpp"
#include "email_message.hpp"
#include "handoff/connector_settings.hpp"
#include "smtp_client.hpp"

namespace rc::handoff {

struct EmailSettings {
  CommonSettings common;    // include_free_text, events (default: requested only), retry
  SmtpTarget smtp;
  MessageSettings message;
  std::string host;         // the SMTP host, from url
};

Result<EmailSettings> parse_email_settings(const std::string& name, const nlohmann::json& settings, const std::string& config_file);

}  // namespace rc::handoff
