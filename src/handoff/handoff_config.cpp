// See handoff_config.hpp.
#include "handoff_config.hpp"

#include "http/address_list.hpp"

#include <set>

namespace rc {

using json = nlohmann::json;

namespace {

const std::set<std::string> kQueues{"east", "west", "south", "any"};

HandoffRoute area_route(const std::string& area) {
  HandoffRoute r;
  r.name = area;
  r.area = area;
  r.queue = area;
  r.connectors = {"console"};
  r.contacts = {"hub_" + area, "early_help_support"};
  return r;
}

std::vector<std::string> strings(const json& j, const std::string& key, std::vector<std::string>& errors) {
  std::vector<std::string> out;
  if (!j.is_array()) {
    errors.push_back(key + ": expected a list of names");
    return out;
  }
  for (const auto& v : j) {
    if (!v.is_string() || v.get<std::string>().empty()) {
      errors.push_back(key + ": expected a list of names, got " + v.dump());
      continue;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

void parse_match(const json& m, HandoffRoute& r, const std::string& key, std::vector<std::string>& errors) {
  if (!m.is_object()) return errors.push_back(key + ": expected an object (outcome, area, urgent)");
  for (const auto& [k, v] : m.items()) {
    if (k == "outcome" && v.is_string()) r.outcome = v.get<std::string>();
    else if (k == "area" && v.is_string() && kQueues.count(v.get<std::string>()) && v != "any") r.area = v.get<std::string>();
    else if (k == "urgent" && v.is_boolean()) r.urgent = v.get<bool>();
    else if (k == "outcome" || k == "area" || k == "urgent")
      errors.push_back(key + "." + k + ": expected " + (k == "urgent" ? "true or false" : k == "area" ? "east, west or south" : "an outcome code") + ", got " + v.dump());
    else errors.push_back(key + "." + k + ": unknown key (expected outcome, area, urgent)");
  }
}

HandoffRoute parse_route(const json& j, std::size_t index, std::vector<std::string>& errors) {
  const std::string key = "handoff.routes[" + std::to_string(index) + "]";
  HandoffRoute r;
  if (!j.is_object()) {
    errors.push_back(key + ": expected an object");
    return r;
  }
  for (const auto& [k, v] : j.items()) {
    if (k == "name" && v.is_string() && !v.get<std::string>().empty()) r.name = v.get<std::string>();
    else if (k == "match") parse_match(v, r, key + ".match", errors);
    else if (k == "contacts_only" && v.is_boolean()) r.contacts_only = v.get<bool>();
    else if (k == "queue" && v.is_string() && kQueues.count(v.get<std::string>())) r.queue = v.get<std::string>();
    else if (k == "connectors") r.connectors = strings(v, key + ".connectors", errors);
    else if (k == "contacts") r.contacts = strings(v, key + ".contacts", errors);
    else if (k == "name" || k == "contacts_only" || k == "queue")
      errors.push_back(key + "." + k + ": expected " + (k == "queue" ? "east, west, south or any" : k == "name" ? "a non-empty name" : "true or false") + ", got " + v.dump());
    else errors.push_back(key + "." + k + ": unknown key (expected name, match, contacts_only, queue, connectors, contacts)");
  }
  if (r.name.empty()) errors.push_back(key + ".name: missing");
  if (r.contacts.empty()) errors.push_back(key + ".contacts: give at least one contact id (what the practitioner gets when no one is free)");
  if (!r.contacts_only && r.connectors.empty()) errors.push_back(key + ".connectors: give at least one connector, or set contacts_only");
  return r;
}

}  // namespace

HandoffConfig::HandoffConfig() {
  // A concern for Duty and Advice or 999 is a phone call to them now, not a queue: those
  // routes show the numbers at once (the guidance's own next step) and never wait for a person.
  auto contacts_only = [](const char* name, std::optional<std::string> outcome, std::optional<bool> urgent) {
    HandoffRoute r;
    r.name = name;
    r.outcome = std::move(outcome);
    r.urgent = urgent;
    r.contacts_only = true;
    r.contacts = {"emergency_999", "duty_and_advice"};
    return r;
  };
  routes.push_back(contacts_only("emergency_999", "emergency_999", std::nullopt));
  routes.push_back(contacts_only("danger_unsure", "danger_unsure", std::nullopt));
  routes.push_back(contacts_only("duty_and_advice", "duty_and_advice", std::nullopt));
  routes.push_back(contacts_only("urgent", std::nullopt, true));
  for (const char* area : {"east", "west", "south"}) routes.push_back(area_route(area));
  HandoffRoute any;
  any.name = "any";
  any.connectors = {"console"};
  any.contacts = {"hub_east", "hub_west", "hub_south", "early_help_support"};
  routes.push_back(any);
  connectors["console"] = json{{"type", "console"}};
}

void parse_handoff_config(const json& j, HandoffConfig& c, std::vector<std::string>& errors) {
  if (!j.is_object()) return errors.push_back("handoff: expected an object");
  for (const auto& [k, v] : j.items()) {
    if (k == "accept_timeout_seconds" || k == "outbox_workers") {
      const int max = k == "outbox_workers" ? 64 : 86400;
      if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > max) {
        errors.push_back("handoff." + k + ": expected a whole number from 1 to " + std::to_string(max) + ", got " + v.dump());
        continue;
      }
      (k == "outbox_workers" ? c.outbox_workers : c.accept_timeout_seconds) = v.get<int>();
    } else if (k == "callback_sources") {
      std::vector<std::string> sources;
      if (!v.is_array()) errors.push_back("handoff.callback_sources: expected a list of addresses or IPv4 prefixes");
      else
        for (const auto& item : v) {
          if (item.is_string()) sources.push_back(item.get<std::string>());
          else errors.push_back("handoff.callback_sources: expected text, got " + item.dump());
        }
      if (auto checked = http::AddressList::parse(sources); !checked) errors.push_back("handoff.callback_sources: " + checked.error().message);
      else c.callback_sources = sources;
    } else if (k == "outbox_poll_seconds") {
      if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 3600) errors.push_back("handoff.outbox_poll_seconds: expected a number of seconds from above 0 to 3600, got " + v.dump());
      else c.outbox_poll_seconds = v.get<double>();
    } else if (k == "routes") {
      if (!v.is_array() || v.empty()) {
        errors.push_back("handoff.routes: expected a non-empty list of routes");
        continue;
      }
      c.routes.clear();
      for (std::size_t i = 0; i < v.size(); ++i) c.routes.push_back(parse_route(v[i], i, errors));
    } else if (k == "connectors") {
      if (!v.is_object()) {
        errors.push_back("handoff.connectors: expected an object of name: settings");
        continue;
      }
      c.connectors = v;
      for (const auto& [name, settings] : v.items())
        if (!settings.is_object() || !settings.contains("type") || !settings["type"].is_string())
          errors.push_back("handoff.connectors." + name + ".type: missing (e.g. \"console\", \"webhook\", \"email\")");
    } else {
      errors.push_back("handoff." + k + ": unknown key (expected accept_timeout_seconds, outbox_workers, outbox_poll_seconds, callback_sources, routes, connectors)");
    }
  }
  for (const auto& r : c.routes)
    for (const auto& name : r.connectors)
      if (!c.connectors.contains(name)) errors.push_back("handoff.routes: route \"" + r.name + "\" names connector \"" + name + "\", which handoff.connectors does not define");
}

}  // namespace rc
