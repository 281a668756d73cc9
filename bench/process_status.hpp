// What Linux says about a process: resident memory (now and peak) and CPU time, from /proc.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

struct MemoryReading {
  std::int64_t rss_kib = 0;  // VmRSS
  std::int64_t hwm_kib = 0;  // VmHWM: the peak resident set since the process started
};

// nullopt when the process is gone or /proc cannot be read.
std::optional<MemoryReading> read_memory(int pid);
// False once the process has exited, even while it waits as a zombie for its parent.
bool is_alive(int pid);

// Summed over the process's threads, from /proc/PID/task/*/schedstat: time on a CPU, and time
// runnable but waiting for one (a server starved by other work on the machine shows it here).
struct SchedulerTimes {
  double running_s = 0;
  double waiting_s = 0;
};
std::optional<SchedulerTimes> read_scheduler_times(int pid);

// Several processes (the instances of one deployment) read as one: summed; nullopt when any
// cannot be read. The peak is the sum of each one's peak, an upper bound of the joint peak.
std::optional<MemoryReading> read_memory(const std::vector<int>& pids);
std::optional<SchedulerTimes> read_scheduler_times(const std::vector<int>& pids);
bool all_alive(const std::vector<int>& pids);

// CPU-seconds the whole machine has spent busy (not idle, not waiting for I/O), all CPUs and
// everyone's work together, from the first line of /proc/stat.
std::optional<double> read_machine_busy_seconds();

// Raises this process's open-file soft limit to its hard limit; returns the limit now in force.
std::uint64_t raise_open_file_limit();

}  // namespace bench
