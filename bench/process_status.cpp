// See process_status.hpp.
#include "process_status.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace bench {

std::optional<MemoryReading> read_memory(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return std::nullopt;
  MemoryReading m;
  bool rss = false, hwm = false;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    std::int64_t kib = 0;
    fields >> key >> kib;
    if (key == "VmRSS:") m.rss_kib = kib, rss = true;
    if (key == "VmHWM:") m.hwm_kib = kib, hwm = true;
  }
  if (!rss || !hwm) return std::nullopt;  // a zombie has neither
  return m;
}

bool is_alive(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("State:", 0) == 0) return line.find('Z') == std::string::npos && line.find('X') == std::string::npos;
  return false;  // no such process
}

std::optional<SchedulerTimes> read_scheduler_times(int pid) {
  std::error_code ec;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  SchedulerTimes t;
  bool any = false;
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream in(task.path() / "schedstat");
    unsigned long long running_ns = 0, waiting_ns = 0;
    if (!(in >> running_ns >> waiting_ns)) continue;  // the thread may have just exited
    t.running_s += static_cast<double>(running_ns) / 1e9;
    t.waiting_s += static_cast<double>(waiting_ns) / 1e9;
    any = true;
  }
  if (ec || !any) return std::nullopt;
  return t;
}

std::optional<double> read_machine_busy_seconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  if (!(in >> cpu) || cpu != "cpu") return std::nullopt;
  // user nice system idle iowait irq softirq steal, in USER_HZ ticks (guest time is inside user)
  std::uint64_t v[8] = {};
  for (auto& x : v)
    if (!(in >> x)) return std::nullopt;
  const long ticks = sysconf(_SC_CLK_TCK);
  if (ticks <= 0) return std::nullopt;
  const std::uint64_t busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  return static_cast<double>(busy) / static_cast<double>(ticks);
}

std::uint64_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit wanted = limit;
    wanted.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &wanted) == 0) limit = wanted;
  }
  return limit.rlim_cur;
}

std::optional<MemoryReading> read_memory(const std::vector<int>& pids) {
  MemoryReading sum;
  for (int pid : pids) {
    const auto one = read_memory(pid);
    if (!one) return std::nullopt;
    sum.rss_kib += one->rss_kib;
    sum.hwm_kib += one->hwm_kib;
  }
  return sum;
}

std::optional<SchedulerTimes> read_scheduler_times(const std::vector<int>& pids) {
  SchedulerTimes sum;
  for (int pid : pids) {
    const auto one = read_scheduler_times(pid);
    if (!one) return std::nullopt;
    sum.running_s += one->running_s;
    sum.waiting_s += one->waiting_s;
  }
  return sum;
}

bool all_alive(const std::vector<int>& pids) {
  for (int pid : pids)
    if (!is_alive(pid)) return false;
  return true;
}

}  // namespace bench
