// The server's configuration: one typed struct, parsed once from JSON with an error per bad
// key, then passed down. Embedded defaults make `rightconv serve` work with no file at all.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "handoff/handoff_config.hpp"
#include "staff/retention.hpp"
#include "voice/voice_config.hpp"

namespace rc {

struct Limits {
  std::size_t max_frame_bytes = 64 * 1024;
  double max_messages_per_second = 20;  // sustained, per connection
  int burst_messages = 40;              // bucket size before rate_limited
  int flood_close_after = 200;          // rate_limited replies before the connection is closed
  int idle_timeout_seconds = 900;
  int max_connections = 20000;
  std::size_t max_queued_messages = 256;  // outgoing frames queued per connection before it is dropped
  std::vector<std::string> allowed_origins;  // besides same origin and localhost
};

struct LoggingConfig {
  std::string level = "info";  // trace, debug, info, warn, error
  std::string format = "text";  // text | json
};

struct Config {
  std::string listen_address = "127.0.0.1";
  unsigned short port = 8080;
  std::string staff_address = "127.0.0.1";  // the staff API and review page
  unsigned short staff_port = 8081;
  std::string console_address = "127.0.0.1";  // the staff console WebSocket (/v1/staff)
  unsigned short console_port = 8082;
  int staff_token_days = 90;
  std::string db_path = "rightconv.db";
  std::vector<std::string> dialogs{"dialogs"};
  std::string content = "content";
  // Hunspell dictionary (path without .aff/.dic) behind the safety detector's typo tolerance.
  std::string spelling_dictionary = "/usr/share/hunspell/en_GB";
  std::string web_root = "web";
  int threads = 0;  // 0: one per core
  int group_commit_max = 512;  // turns per transaction at most
  Limits limits;
  LoggingConfig logging;
  Retention retention;
  nlohmann::json contacts = nlohmann::json::object();  // contact overrides, see content/
  HandoffConfig handoff;
  VoiceConfig voice;  // the telephony webhook (src/voice, docs/voice.md)
  std::string file;  // where it came from, for messages
};

// Parses configuration JSON over the defaults. Every bad key is an error naming the key and why.
Result<Config> parse_config(const std::string& text, const std::string& file);
Result<Config> load_config_file(const std::string& path);

// "127.0.0.1:8080", "[::1]:9000", ":8080" (keeps the address).
Result<std::pair<std::string, unsigned short>> parse_listen(const std::string& value, const std::string& default_address);

}  // namespace rc
