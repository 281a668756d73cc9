// See connector_settings.hpp.
#include "connector_settings.hpp"

#include <cstdlib>

namespace rc::handoff {

namespace {

const std::set<std::string> kKinds{"requested", "message", "accepted", "cancelled", "ended"};
const std::set<std::string> kCommonKeys{"type", "include_free_text", "events", "retry"};

Result<RetryPolicy> parse_retry(const std::string& name, const nlohmann::json& j, const std::string& file) {
  RetryPolicy r;
  if (!j.is_object()) return make_error(setting_path(name, "retry") + ": expected an object", file);
  for (const auto& [key, value] : j.items()) {
    double* field = key == "initial_seconds" ? &r.initial_seconds : key == "max_seconds" ? &r.max_seconds
                  : key == "give_up_after_seconds" ? &r.give_up_after_seconds : nullptr;
    if (!field) return make_error(setting_path(name, "retry." + key) + ": unknown key (expected initial_seconds, max_seconds, give_up_after_seconds)", file);
    if (!value.is_number() || value.get<double>() <= 0) return make_error(setting_path(name, "retry." + key) + ": expected a positive number of seconds", file);
    *field = value.get<double>();
  }
  if (r.max_seconds < r.initial_seconds) return make_error(setting_path(name, "retry.max_seconds") + ": must not be less than initial_seconds", file);
  return r;
}

}  // namespace

std::string setting_path(const std::string& name, const std::string& key) { return "handoff.connectors." + name + "." + key; }

Result<CommonSettings> parse_common_settings(const std::string& name, const nlohmann::json& settings, const std::set<std::string>& default_events,
                                             const std::set<std::string>& own_keys, const std::string& file) {
  if (!settings.is_object()) return make_error("handoff.connectors." + name + ": expected an object", file);
  CommonSettings c;
  c.events = default_events;
  for (const auto& [key, value] : settings.items()) {
    if (kCommonKeys.count(key) || own_keys.count(key)) continue;
    return make_error(setting_path(name, key) + ": unknown key", file);
  }
  if (settings.contains("include_free_text")) {
    if (!settings["include_free_text"].is_boolean()) return make_error(setting_path(name, "include_free_text") + ": expected true or false", file);
    c.include_free_text = settings["include_free_text"].get<bool>();
  }
  if (settings.contains("events")) {
    const auto& e = settings["events"];
    if (!e.is_array() || e.empty()) return make_error(setting_path(name, "events") + ": expected a non-empty list of event kinds", file);
    c.events.clear();
    for (const auto& k : e) {
      if (!k.is_string() || !kKinds.count(k.get<std::string>()))
        return make_error(setting_path(name, "events") + ": unknown event kind " + k.dump() + " (expected requested, message, accepted, cancelled, ended)", file);
      c.events.insert(k.get<std::string>());
    }
  }
  if (settings.contains("retry")) {
    auto r = parse_retry(name, settings["retry"], file);
    if (!r) return r.error();
    c.retry = r.value();
  }
  return c;
}

Result<RetryPolicy> retry_policy_of(const std::string& name, const nlohmann::json& settings, const std::string& file) {
  if (!settings.is_object() || !settings.contains("retry")) return RetryPolicy{};
  return parse_retry(name, settings["retry"], file);
}

Result<std::string> read_secret(const std::string& name, const nlohmann::json& settings, const std::string& key, bool required,
                                const std::string& file) {
  const std::string env_key = key + "_env";
  if (settings.contains(key) && settings.contains(env_key)) return make_error(setting_path(name, key) + ": give " + key + " or " + env_key + ", not both", file);
  if (settings.contains(key)) {
    if (!settings[key].is_string() || settings[key].get<std::string>().empty()) return make_error(setting_path(name, key) + ": expected a non-empty string", file);
    return settings[key].get<std::string>();
  }
  if (settings.contains(env_key)) {
    if (!settings[env_key].is_string()) return make_error(setting_path(name, env_key) + ": expected the name of an environment variable", file);
    const std::string var = settings[env_key].get<std::string>();
    const char* v = std::getenv(var.c_str());
    if (!v || !*v) return make_error(setting_path(name, env_key) + ": the environment variable " + var + " is not set", file);
    return std::string(v);
  }
  if (required) return make_error(setting_path(name, key) + ": missing (give " + key + " or " + env_key + ")", file);
  return std::string();
}

}  // namespace rc::handoff
