// The whole configuration, read by the composition root (src/cli): one typed struct, parsed
// once from JSON with an error per bad key; each part is given only its own section.
// Embedded defaults make `rightconv serve` work with no file at all.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "data_paths.hpp"
#include "handoff/handoff_config.hpp"
#include "server/logging.hpp"
#include "server/server_config.hpp"
#include "staff/retention.hpp"
#include "voice/voice_config.hpp"

namespace rc {

struct Config {
  Config() { server.web_root = cli::default_data_paths().web; }
  ServerConfig server;  // listen, console_listen, web_root, threads, limits
  std::string staff_address = "127.0.0.1";  // the staff API and review page
  unsigned short staff_port = 8081;
  int staff_token_days = 90;
  std::string db_path = cli::default_data_paths().db;  // an SQLite file, or a postgresql:// URL without its password
  std::string db_password_file;          // the PostgreSQL password, one line (else RIGHTCONV_DB_PASSWORD)
  // SQLite only. "full": each commit fsyncs the WAL before any reply (survives power loss).
  // "normal": the WAL is synced at checkpoints; a process crash (kill -9) loses nothing, a power
  // cut or kernel crash may lose the last commits (never corrupts). See README, Configuration.
  std::string db_sync = "full";
  bool db_from_flag = false;             // --db was given: errors name the flag rather than the file
  std::vector<std::string> dialogs{cli::default_data_paths().dialogs};  // see data_paths.hpp
  std::string content = cli::default_data_paths().content;
  // Hunspell dictionary (path without .aff/.dic) behind the safety detector's typo tolerance.
  std::string spelling_dictionary = "/usr/share/hunspell/en_GB";
  int group_commit_max = 512;  // turns per transaction at most
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
