// rightconv_bench: drives a running `rightconv serve` over loopback and reports what it measured.
// Exit status: 0 clean, 1 the run saw errors (or the server exited), 2 bad usage.
#include <csignal>
#include <fstream>
#include <iostream>

#include "bench_options.hpp"
#include "process_status.hpp"
#include "scenarios.hpp"

namespace {

using bench::tcp;

// Loopback only: the bench floods what it points at, so it may only point at this machine.
std::optional<tcp::endpoint> loopback_endpoint(const std::string& host, unsigned short port, std::string& why) {
  boost::system::error_code ec;
  auto address = host == "localhost" ? boost::asio::ip::make_address("127.0.0.1") : boost::asio::ip::make_address(host, ec);
  if (ec) {
    why = "--host must be an IP address (or localhost), got \"" + host + "\"";
    return std::nullopt;
  }
  if (!address.is_loopback()) {
    why = "--host must be a loopback address (127.0.0.0/8 or ::1): the bench only loads this machine";
    return std::nullopt;
  }
  return tcp::endpoint(address, port);
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = bench::parse_options(argc, argv);
  if (std::holds_alternative<bench::HelpRequested>(parsed)) {
    std::cout << bench::kUsage;
    return 0;
  }
  if (auto* e = std::get_if<bench::OptionsError>(&parsed)) {
    std::cerr << "rightconv_bench: " << e->message << " (see rightconv_bench --help)\n";
    return 2;
  }
  const auto& options = std::get<bench::Options>(parsed);
  std::string why;
  std::vector<tcp::endpoint> servers;
  for (unsigned short port : options.ports) {
    const auto server = loopback_endpoint(options.host, port, why);
    if (!server) {
      std::cerr << "rightconv_bench: " << why << "\n";
      return 2;
    }
    servers.push_back(*server);
  }
  std::signal(SIGPIPE, SIG_IGN);

  const auto connections = options.is_idle() ? options.idle_connections : options.connections;
  const auto files = bench::raise_open_file_limit();
  if (files < static_cast<std::uint64_t>(connections) + 64)
    std::cerr << "rightconv_bench: warning: the open-file limit is " << files << ", too few for " << connections
              << " connections; raise the hard limit (ulimit -Hn) first\n";
  for (int pid : options.server_pids)
    if (!bench::is_alive(pid)) {
      std::cerr << "rightconv_bench: no process " << pid << " (--server-pid)\n";
      return 2;
    }

  auto show = [&](const auto& report) {
    bench::print(report, options.format, std::cout);
    if (options.json_file.empty()) return true;
    std::ofstream file(options.json_file);
    bench::print(report, bench::OutputFormat::json, file);
    if (file.flush()) return true;
    std::cerr << "rightconv_bench: cannot write " << options.json_file << "\n";
    return false;
  };
  if (options.is_idle()) {
    const auto report = bench::run_idle(options, servers);
    const bool written = show(report);
    return written && bench::error_count(report.errors) == 0 && report.server_alive && report.ready == options.idle_connections ? 0 : 1;
  }
  const auto report = bench::run_load(options, servers);
  const bool written = show(report);
  return written && bench::error_count(report.errors) == 0 && report.server_alive ? 0 : 1;
}
