// Idle: N connections each hold a started conversation; see scenarios.hpp.
#include <unistd.h>

#include <thread>

#include "client_pool.hpp"
#include "scenarios.hpp"

namespace bench {

IdleReport run_idle(const Options& o, const std::vector<tcp::endpoint>& servers) {
  const auto script = ConversationScript::early_help_east(o.dialog);
  RunControl run;
  run.targets = targets_of(servers);
  run.script = &script;
  run.turn_timeout = to_duration(o.turn_timeout_seconds);

  IdleReport r;
  r.requested = o.idle_connections;
  r.threads = o.threads;
  r.hold_s = o.hold_seconds;
  r.server_pids = o.server_pids;
  const bool watched = !o.server_pids.empty();
  if (watched) r.before = read_memory(o.server_pids);

  ClientPool pool(run, ClientMode::hold, o.idle_connections, o.threads, o.connect_concurrency);
  const auto started = Clock::now();
  pool.open_all();
  ClientPool::wait_until([&] { return run.ready.load() + run.failed.load() >= o.idle_connections; }, time_to_open(o.idle_connections));
  r.open_s = std::chrono::duration<double>(Clock::now() - started).count();

  std::this_thread::sleep_for(to_duration(o.hold_seconds));
  r.ready = run.ready.load();
  r.failed = run.failed.load();
  if (watched) {
    r.after = read_memory(o.server_pids);
    r.server_alive = all_alive(o.server_pids);
  }
  r.bench_memory = read_memory(getpid());

  pool.stop(std::chrono::seconds(10));
  r.errors = pool.merged_stats().errors;
  return r;
}

}  // namespace bench
