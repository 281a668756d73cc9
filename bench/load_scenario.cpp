// Load: C connections walk the conversation script back to back; see scenarios.hpp.
#include <unistd.h>

#include <thread>

#include "client_pool.hpp"
#include "scenarios.hpp"

namespace bench {

LoadReport run_load(const Options& o, const std::vector<tcp::endpoint>& servers) {
  const auto script = ConversationScript::early_help_east(o.dialog);
  RunControl run;
  run.targets = targets_of(servers);
  run.script = &script;
  run.turn_timeout = to_duration(o.turn_timeout_seconds);

  LoadReport r;
  r.connections = o.connections;
  r.threads = o.threads;
  r.warmup_s = o.warmup_seconds;
  r.server_pids = o.server_pids;
  r.instances = static_cast<int>(servers.size());

  ClientPool pool(run, ClientMode::converse, o.connections, o.threads, o.connect_concurrency);
  const auto started = Clock::now();
  pool.open_all();
  ClientPool::wait_until([&] { return pool.all_tried(); }, time_to_open(o.connections));
  r.connect_s = std::chrono::duration<double>(Clock::now() - started).count();
  r.opened = pool.opened();
  r.failed_to_open = pool.failed_to_open();

  std::this_thread::sleep_for(to_duration(o.warmup_seconds));
  const bool watched = !o.server_pids.empty();
  const auto server_before = watched ? read_scheduler_times(o.server_pids) : std::nullopt;
  const auto bench_before = read_scheduler_times(getpid());
  const auto machine_before = read_machine_busy_seconds();
  const auto from = Clock::now();
  run.window_from = nanos_since_epoch(from);

  std::this_thread::sleep_for(to_duration(o.duration_seconds));
  const auto until = Clock::now();
  run.window_until = nanos_since_epoch(until);
  const auto server_after = watched ? read_scheduler_times(o.server_pids) : std::nullopt;
  const auto bench_after = read_scheduler_times(getpid());
  const auto machine_after = read_machine_busy_seconds();
  if (watched) {
    r.server_memory = read_memory(o.server_pids);
    r.server_alive = all_alive(o.server_pids);
  }
  if (server_before && server_after) {
    r.server_cpu_s = server_after->running_s - server_before->running_s;
    r.server_waiting_s = server_after->waiting_s - server_before->waiting_s;
  }
  if (bench_before && bench_after) r.bench_cpu_s = bench_after->running_s - bench_before->running_s;
  if (machine_before && machine_after) r.machine_busy_s = *machine_after - *machine_before;

  pool.stop(std::chrono::seconds(5));
  auto stats = pool.merged_stats();
  r.window_s = std::chrono::duration<double>(until - from).count();
  r.turns = stats.latencies_us.size();
  r.conversations = stats.conversations;
  r.latency = summarise(stats.latencies_us);
  r.errors = std::move(stats.errors);
  return r;
}

}  // namespace bench
