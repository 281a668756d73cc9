// The voice channel's settings: the "voice" object of the server configuration (docs/voice.md).
// Parsed with the rest of the config by parse_config, one error per bad key.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rc {

struct VoiceConfig {
  bool enabled = false;         // off: /v1/voice/... answers 404, as if it did not exist
  std::string public_base_url;  // the address the provider calls, e.g. https://rightconv.example.org (no trailing /)
  std::string auth_token;       // the provider's auth token, from auth_token or auth_token_env; never logged
  bool dial = false;            // outcomes may put the caller through to a checked number
  std::string language = "en-GB";
  std::string voice;  // text-to-speech voice, e.g. "Polly.Amy"; empty: the provider's default
};

// Reads the "voice" object of the configuration over the defaults in `into`. Each problem is
// appended to `errors` as "voice.KEY: why", the way parse_config reports the other keys.
void parse_voice_config(const nlohmann::json& voice, VoiceConfig& into, std::vector<std::string>& errors);

// A provider must reach the server over TLS: https://HOST[:PORT][/PREFIX], or http:// only for
// 127.0.0.1 and localhost (a tunnel or a test). Empty when acceptable, else why not.
std::string public_base_url_problem(const std::string& url);

}  // namespace rc
