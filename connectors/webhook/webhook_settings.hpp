// The webhook connector's settings (handoff.connectors.<name> with "type": "webhook"), parsed
// once at start-up into one typed struct; each error names its key.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/result.hpp"
#include "handoff/connector_settings.hpp"

namespace rc::handoff::webhook {

struct WebhookSettings {
  CommonSettings common;
  std::string url;           // http:// or https://
  std::string key;           // the decoded delivery secret: signs what we send
  std::string callback_key;  // the decoded callback secret: what the peer signs with (defaults to `key`)
  int timeout_seconds = 10;  // for the whole request, connecting included
};

Result<WebhookSettings> parse_webhook_settings(const std::string& name, const nlohmann::json& settings, const std::string& config_file);

}  // namespace rc::handoff::webhook
