// The bench's command line: one typed struct, parsed once, with an error naming the bad flag.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bench {

enum class OutputFormat { text, json, markdown };

struct Options {
  std::string host = "127.0.0.1";
  std::vector<unsigned short> ports;  // one per instance; connections are spread over them in turn
  int connections = 1;
  double duration_seconds = 10;
  double warmup_seconds = 2;
  int idle_connections = 0;   // > 0: idle mode instead of load
  double hold_seconds = 3;    // idle mode: how long the connections are held before the second reading
  std::vector<int> server_pids;  // empty: no server memory or CPU figures; several: summed
  int threads = 1;            // threads running the one io_context
  double turn_timeout_seconds = 10;
  int connect_concurrency = 256;  // handshakes in flight at once, so the listen backlog never overflows
  std::string dialog = "early-help";
  OutputFormat format = OutputFormat::text;
  std::string json_file;  // also write the JSON report here
  bool is_idle() const { return idle_connections > 0; }
};

struct HelpRequested {};
struct OptionsError {
  std::string message;
};

std::variant<Options, HelpRequested, OptionsError> parse_options(int argc, char** argv);
extern const char* kUsage;

}  // namespace bench
