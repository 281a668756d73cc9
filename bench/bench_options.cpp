// See bench_options.hpp.
#include "bench_options.hpp"

#include <charconv>
#include <functional>
#include <limits>
#include <map>

namespace bench {

const char* kUsage =
    "usage: rightconv_bench --port PORT[,PORT...] [--host 127.0.0.1] [--connections C] [--duration S] [--warmup S]\n"
    "                       [--idle N [--hold S]] [--server-pid PID[,PID...]] [--threads T] [--turn-timeout S]\n"
    "                       [--connect-concurrency K] [--dialog ID] [--format text|json|markdown] [--json-file FILE]\n"
    "Drives `rightconv serve` over WebSocket protocol v1 (ws://HOST:PORT/v1/chat). Loopback only.\n"
    "Load mode (default): C connections each run the fixed early-help path (start, danger=no, harm=no,\n"
    "  consent_talked=yes, consent_answer=agree, step_down=no, needs=multi, hub_notes text, area=east, end)\n"
    "  over and over, as fast as the server answers. Measures for --duration seconds after --warmup seconds and prints\n"
    "  conversations/s, turns/s, per-turn latency (send to final reply) p50/p90/p99/max and errors.\n"
    "Idle mode (--idle N): opens N connections, starts a conversation on each, holds them for --hold\n"
    "  seconds and prints the server's VmRSS and VmHWM before and after.\n"
    "  --port P1,P2         several instances (one database): connection i goes to port i mod n\n"
    "  --server-pid PID     read the server's memory and CPU time from /proc/PID (several: summed)\n"
    "  --threads T          client threads running the io_context (default 1)\n"
    "  --turn-timeout S     a turn with no reply for S seconds is an error (default 10)\n"
    "  --connect-concurrency K  WebSocket handshakes in flight at once (default 256)\n"
    "  --format F           text (default), json (one object) or markdown (a header and one table row)\n"
    "  --json-file FILE     also write the JSON report to FILE\n"
    "Defaults: --connections 1 --duration 10 --warmup 2 --hold 3 --dialog early-help.\n";

namespace {

bool parse_int(const std::string& s, long long min, long long max, long long& out) {
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) return false;
  out = v;
  return true;
}

bool parse_seconds(const std::string& s, bool allow_zero, double& out) {
  try {
    std::size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size() || !(v >= 0) || (!allow_zero && v == 0) || v > 86400) return false;
    out = v;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// "1,2,3" -> {1, 2, 3}, each within [min, max]; false on anything else.
template <typename T>
bool parse_list(const std::string& s, long long min, long long max, std::vector<T>& out) {
  std::vector<T> values;
  std::size_t from = 0;
  for (;;) {
    const auto comma = s.find(',', from);
    long long v = 0;
    if (!parse_int(s.substr(from, comma - from), min, max, v)) return false;
    values.push_back(static_cast<T>(v));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  out = std::move(values);
  return true;
}

}  // namespace

std::variant<Options, HelpRequested, OptionsError> parse_options(int argc, char** argv) {
  Options o;
  using Setter = std::function<std::optional<std::string>(const std::string&)>;  // returns why it is bad
  auto integer = [](auto& into, long long min, long long max) {
    return Setter([&into, min, max](const std::string& v) -> std::optional<std::string> {
      long long n = 0;
      if (!parse_int(v, min, max, n)) return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
      into = static_cast<std::remove_reference_t<decltype(into)>>(n);
      return std::nullopt;
    });
  };
  auto integers = [](auto& into, long long min, long long max) {
    return Setter([&into, min, max](const std::string& v) -> std::optional<std::string> {
      if (!parse_list(v, min, max, into)) return "expected integers from " + std::to_string(min) + " to " + std::to_string(max) + ", split by commas";
      return std::nullopt;
    });
  };
  auto seconds = [](double& into, bool allow_zero) {
    return Setter([&into, allow_zero](const std::string& v) -> std::optional<std::string> {
      if (!parse_seconds(v, allow_zero, into)) return allow_zero ? "expected seconds (0 or more)" : "expected seconds (more than 0)";
      return std::nullopt;
    });
  };
  auto text = [](std::string& into) {
    return Setter([&into](const std::string& v) -> std::optional<std::string> {
      if (v.empty()) return "expected non-empty text";
      into = v;
      return std::nullopt;
    });
  };
  const std::map<std::string, Setter> flags{
      {"--host", text(o.host)},
      {"--port", integers(o.ports, 1, 65535)},
      {"--connections", integer(o.connections, 1, 1000000)},
      {"--duration", seconds(o.duration_seconds, false)},
      {"--warmup", seconds(o.warmup_seconds, true)},
      {"--idle", integer(o.idle_connections, 1, 1000000)},
      {"--hold", seconds(o.hold_seconds, true)},
      {"--server-pid", integers(o.server_pids, 1, std::numeric_limits<int>::max())},
      {"--threads", integer(o.threads, 1, 64)},
      {"--turn-timeout", seconds(o.turn_timeout_seconds, false)},
      {"--connect-concurrency", integer(o.connect_concurrency, 1, 100000)},
      {"--dialog", text(o.dialog)},
      {"--json-file", text(o.json_file)},
      {"--format", Setter([&o](const std::string& v) -> std::optional<std::string> {
         if (v == "text") o.format = OutputFormat::text;
         else if (v == "json") o.format = OutputFormat::json;
         else if (v == "markdown") o.format = OutputFormat::markdown;
         else return "expected text, json or markdown";
         return std::nullopt;
       })},
  };
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") return HelpRequested{};
    auto it = flags.find(flag);
    if (it == flags.end()) return OptionsError{"unknown argument " + flag};
    if (i + 1 >= argc) return OptionsError{flag + " needs a value"};
    const std::string value = argv[++i];
    if (auto why = it->second(value)) return OptionsError{flag + ": " + *why + ", got \"" + value + "\""};
  }
  if (o.ports.empty()) return OptionsError{"--port is required (the port `rightconv serve` listens on)"};
  return o;
}

}  // namespace bench
