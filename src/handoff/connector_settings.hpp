// Settings every connector block shares: include_free_text, events, retry, and secrets given
// directly or through an environment variable. Parsed once at start-up; errors name the key.
#pragma once
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace rc::handoff {

struct RetryPolicy {
  double initial_seconds = 2;
  double max_seconds = 300;
  double give_up_after_seconds = 86400;
};

struct CommonSettings {
  bool include_free_text = false;
  std::set<std::string> events;  // the kinds this connector takes
  RetryPolicy retry;
};

// The keys every block may have, besides the connector's own (`own_keys`): unknown keys are errors.
Result<CommonSettings> parse_common_settings(const std::string& name, const nlohmann::json& settings, const std::set<std::string>& default_events,
                                             const std::set<std::string>& own_keys, const std::string& config_file);

// A secret from "<key>" or "<key>_env" (the name of an environment variable). Empty value with
// `required` is an error naming the key; the secret itself never appears in an error.
Result<std::string> read_secret(const std::string& name, const nlohmann::json& settings, const std::string& key, bool required,
                                const std::string& config_file);

// Only the retry policy of a block (the outbox worker's part), ignoring the other keys.
Result<RetryPolicy> retry_policy_of(const std::string& name, const nlohmann::json& settings, const std::string& config_file);

// "handoff.connectors.<name>.<key>"
std::string setting_path(const std::string& name, const std::string& key);

}  // namespace rc::handoff
