// What a scenario measured, and how it is printed: as text for people, one JSON object for
// scripts, or a markdown table (header, then one row) that bench/run.sh stitches together.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "bench_options.hpp"
#include "chat_client.hpp"
#include "latency_summary.hpp"
#include "process_status.hpp"

namespace bench {

struct LoadReport {
  int connections = 0, threads = 0;
  double warmup_s = 0, window_s = 0, connect_s = 0;
  int opened = 0, failed_to_open = 0;
  std::uint64_t conversations = 0, turns = 0;
  LatencySummary latency;
  std::map<std::string, ErrorTally> errors;  // the whole run, warm-up included
  int instances = 1;
  std::vector<int> server_pids;  // memory and CPU below are summed over them
  std::optional<MemoryReading> server_memory;  // at the end of the window
  // During the window: CPU time used, and time runnable but waiting for a CPU (all threads).
  std::optional<double> server_cpu_s, server_waiting_s;
  std::optional<double> bench_cpu_s;
  std::optional<double> machine_busy_s;  // CPU time the whole machine was busy, everyone's work

  // What the rest of the machine took meanwhile: builds, tests, browsers. Large values mean
  // the figures above measure the machine's other work as much as the server.
  std::optional<double> others_cpu_s() const {
    if (!machine_busy_s || !server_cpu_s || !bench_cpu_s) return std::nullopt;
    return std::max(0.0, *machine_busy_s - *server_cpu_s - *bench_cpu_s);
  }
  bool server_alive = true;

  double conversations_per_s() const { return window_s > 0 ? static_cast<double>(conversations) / window_s : 0; }
  double turns_per_s() const { return window_s > 0 ? static_cast<double>(turns) / window_s : 0; }
};

struct IdleReport {
  int requested = 0, threads = 0;
  int ready = 0, failed = 0;  // holding a started conversation at the second reading / never got there or dropped
  double open_s = 0, hold_s = 0;
  std::map<std::string, ErrorTally> errors;
  std::vector<int> server_pids;
  std::optional<MemoryReading> before, after;  // server, before the first connection and after the hold
  std::optional<MemoryReading> bench_memory;   // this process, after the hold
  bool server_alive = true;
};

std::uint64_t error_count(const std::map<std::string, ErrorTally>& errors);

void print(const LoadReport& r, OutputFormat format, std::ostream& out);
void print(const IdleReport& r, OutputFormat format, std::ostream& out);

}  // namespace bench
