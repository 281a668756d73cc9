// The handoff section of the configuration: how long a practitioner waits for a person, the
// routes (which connectors take which handoffs, which contacts a practitioner gets when no one
// is free) and the connectors' own settings. Embedded defaults: the staff console for every
// area, and contacts only (Duty and Advice, 999) for anything urgent.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rc {

struct HandoffRoute {
  std::string name;
  // Match: every given field must agree; an empty match takes everything.
  std::optional<std::string> outcome, area;
  std::optional<bool> urgent;
  bool contacts_only = false;            // never queue: show the contacts at once
  std::string queue = "any";             // the staff console queue that sees it: east | west | south | any
  std::vector<std::string> connectors;   // connector names (handoff.connectors)
  std::vector<std::string> contacts;     // content contact ids for "unavailable"
};

struct HandoffConfig {
  int accept_timeout_seconds = 120;
  int outbox_workers = 4;
  double outbox_poll_seconds = 1;        // how often due retries are looked for (new events wake it at once)
  // Addresses that may post connector callbacks (/v1/connectors/...) to the staff listener:
  // exact addresses or IPv4 prefixes. By default only this machine (a reverse proxy on it).
  std::vector<std::string> callback_sources{"127.0.0.1", "::1"};
  std::vector<HandoffRoute> routes;
  nlohmann::json connectors = nlohmann::json::object();  // name -> settings (type and the type's keys)

  HandoffConfig();  // the embedded defaults
};

// Parses the "handoff" object over the defaults (given routes or connectors replace the
// defaults'). Appends one message per problem, each naming its key.
void parse_handoff_config(const nlohmann::json& j, HandoffConfig& into, std::vector<std::string>& errors);

}  // namespace rc
