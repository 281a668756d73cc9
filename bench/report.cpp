// See report.hpp.
#include "report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace bench {
namespace {

using json = nlohmann::json;

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string mib(std::int64_t kib) { return fixed(static_cast<double>(kib) / 1024.0, 1); }
std::string ms(std::uint32_t us) { return fixed(us / 1000.0, 3); }
std::string percent_of_core(std::optional<double> cpu_s, double window_s) {
  return cpu_s && window_s > 0 ? fixed(*cpu_s / window_s * 100.0, 0) + "%" : "n/a";
}

json errors_json(const std::map<std::string, ErrorTally>& errors) {
  json out = json::object();
  for (const auto& [kind, t] : errors) out[kind] = {{"count", t.count}, {"first", t.first}};
  return out;
}

json optional_json(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json memory_json(const std::optional<MemoryReading>& m) {
  if (!m) return nullptr;
  return {{"vm_rss_kib", m->rss_kib}, {"vm_hwm_kib", m->hwm_kib}};
}

void print_errors(const std::map<std::string, ErrorTally>& errors, std::ostream& out) {
  out << "  errors                 " << error_count(errors) << "\n";
  for (const auto& [kind, t] : errors) {
    out << "    " << kind << ": " << t.count;
    if (!t.first.empty()) out << " (first: " << t.first << ")";
    out << "\n";
  }
}

std::string server_label(const std::vector<int>& pids) {
  if (pids.size() == 1) return "server (pid " + std::to_string(pids.front()) + ")";
  std::string list;
  for (int pid : pids) list += (list.empty() ? "" : ", ") + std::to_string(pid);
  return std::to_string(pids.size()) + " servers, summed (pids " + list + ")";
}

void print_text(const LoadReport& r, std::ostream& out) {
  out << "rightconv_bench load: " << r.connections << " connection(s) over " << r.instances << " instance(s), " << r.threads << " client thread(s), " << fixed(r.warmup_s, 1)
      << " s warm-up, " << fixed(r.window_s, 2) << " s measured\n";
  out << "  connections opened     " << r.opened << " (" << r.failed_to_open << " failed) in " << fixed(r.connect_s, 3) << " s\n";
  out << "  conversations/s        " << fixed(r.conversations_per_s(), 1) << "  (" << r.conversations << " in the window)\n";
  out << "  turns/s                " << fixed(r.turns_per_s(), 1) << "  (" << r.turns << " in the window)\n";
  const auto& l = r.latency;
  out << "  latency per turn (us)  p50 " << l.p50_us << "  p90 " << l.p90_us << "  p99 " << l.p99_us << "  max " << l.max_us
      << "  (mean " << fixed(l.mean_us, 0) << ")\n";
  print_errors(r.errors, out);
  if (!r.server_pids.empty()) {
    out << "  " << server_label(r.server_pids) << (r.server_alive ? "" : " EXITED DURING THE RUN") << "\n";
    if (r.server_memory)
      out << "    peak RSS (VmHWM) " << mib(r.server_memory->hwm_kib) << " MiB, RSS now " << mib(r.server_memory->rss_kib) << " MiB\n";
    if (r.server_cpu_s)
      out << "    CPU " << fixed(*r.server_cpu_s, 2) << " s in the window (" << percent_of_core(r.server_cpu_s, r.window_s)
          << " of one core); runnable but waiting for a CPU " << fixed(r.server_waiting_s.value_or(0), 2) << " s ("
          << percent_of_core(r.server_waiting_s, r.window_s) << ")\n";
  }
  if (r.bench_cpu_s)
    out << "  bench CPU              " << fixed(*r.bench_cpu_s, 2) << " s in the window (" << percent_of_core(r.bench_cpu_s, r.window_s)
        << " of one core)\n";
  if (auto others = r.others_cpu_s())
    out << "  other processes CPU    " << fixed(*others, 2) << " s in the window (" << percent_of_core(others, r.window_s)
        << " of one core): the rest of the machine's work\n";
}

json to_json(const LoadReport& r) {
  const auto& l = r.latency;
  return {{"mode", "load"},
          {"connections", r.connections},
          {"instances", r.instances},
          {"threads", r.threads},
          {"warmup_s", r.warmup_s},
          {"window_s", r.window_s},
          {"connect_s", r.connect_s},
          {"opened", r.opened},
          {"failed_to_open", r.failed_to_open},
          {"conversations", r.conversations},
          {"turns", r.turns},
          {"conversations_per_s", r.conversations_per_s()},
          {"turns_per_s", r.turns_per_s()},
          {"latency_us", {{"count", l.count}, {"p50", l.p50_us}, {"p90", l.p90_us}, {"p99", l.p99_us}, {"max", l.max_us}, {"mean", l.mean_us}}},
          {"error_count", error_count(r.errors)},
          {"errors", errors_json(r.errors)},
          {"server_pids", r.server_pids},
          {"server_alive", r.server_alive},
          {"server_memory", memory_json(r.server_memory)},
          {"server_cpu_s", optional_json(r.server_cpu_s)},
          {"server_waiting_for_cpu_s", optional_json(r.server_waiting_s)},
          {"bench_cpu_s", optional_json(r.bench_cpu_s)},
          {"machine_busy_s", optional_json(r.machine_busy_s)},
          {"others_cpu_s", optional_json(r.others_cpu_s())}};
}

void print_markdown(const LoadReport& r, std::ostream& out) {
  const auto& l = r.latency;
  out << "| connections | conversations/s | turns/s | p50 ms | p90 ms | p99 ms | max ms | errors | server peak RSS (MiB) "
         "| server CPU | server waiting for CPU | bench CPU | others' CPU |\n"
      << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  out << "| " << r.connections << " | " << fixed(r.conversations_per_s(), 1) << " | " << fixed(r.turns_per_s(), 1) << " | " << ms(l.p50_us)
      << " | " << ms(l.p90_us) << " | " << ms(l.p99_us) << " | " << ms(l.max_us) << " | " << error_count(r.errors)
      << (r.server_alive ? "" : " (server exited)") << " | " << (r.server_memory ? mib(r.server_memory->hwm_kib) : "n/a") << " | "
      << percent_of_core(r.server_cpu_s, r.window_s) << " | " << percent_of_core(r.server_waiting_s, r.window_s) << " | "
      << percent_of_core(r.bench_cpu_s, r.window_s) << " | " << percent_of_core(r.others_cpu_s(), r.window_s) << " |\n";
}

void print_text(const IdleReport& r, std::ostream& out) {
  out << "rightconv_bench idle: " << r.requested << " connection(s), " << r.threads << " client thread(s), held " << fixed(r.hold_s, 1)
      << " s\n";
  out << "  holding a conversation " << r.ready << "  (" << r.failed << " failed) after " << fixed(r.open_s, 3) << " s to open them\n";
  print_errors(r.errors, out);
  if (!r.server_pids.empty()) {
    out << "  " << server_label(r.server_pids) << (r.server_alive ? "" : " EXITED DURING THE RUN") << "\n";
    if (r.before) out << "    before  VmRSS " << mib(r.before->rss_kib) << " MiB, VmHWM " << mib(r.before->hwm_kib) << " MiB\n";
    if (r.after) out << "    after   VmRSS " << mib(r.after->rss_kib) << " MiB, VmHWM " << mib(r.after->hwm_kib) << " MiB\n";
    if (r.before && r.after && r.ready > 0)
      out << "    per held connection " << fixed(static_cast<double>(r.after->rss_kib - r.before->rss_kib) / r.ready, 1) << " KiB of RSS\n";
  }
  if (r.bench_memory) out << "  bench RSS              " << mib(r.bench_memory->rss_kib) << " MiB\n";
}

json to_json(const IdleReport& r) {
  return {{"mode", "idle"},
          {"requested", r.requested},
          {"threads", r.threads},
          {"ready", r.ready},
          {"failed", r.failed},
          {"open_s", r.open_s},
          {"hold_s", r.hold_s},
          {"error_count", error_count(r.errors)},
          {"errors", errors_json(r.errors)},
          {"server_pids", r.server_pids},
          {"server_alive", r.server_alive},
          {"server_before", memory_json(r.before)},
          {"server_after", memory_json(r.after)},
          {"bench_memory", memory_json(r.bench_memory)}};
}

void print_markdown(const IdleReport& r, std::ostream& out) {
  auto pair = [&](auto field) {
    return r.before && r.after ? mib((*r.before).*field) + " → " + mib((*r.after).*field) : std::string("n/a");
  };
  const std::string per_connection = r.before && r.after && r.ready > 0
                                         ? fixed(static_cast<double>(r.after->rss_kib - r.before->rss_kib) / r.ready, 1)
                                         : std::string("n/a");
  out << "| idle connections | holding | failed | time to open (s) | server VmRSS before → after (MiB) | server VmHWM before → after (MiB) "
         "| RSS per connection (KiB) | errors |\n"
      << "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  out << "| " << r.requested << " | " << r.ready << " | " << r.failed << " | " << fixed(r.open_s, 2) << " | " << pair(&MemoryReading::rss_kib)
      << " | " << pair(&MemoryReading::hwm_kib) << " | " << per_connection << " | " << error_count(r.errors)
      << (r.server_alive ? "" : " (server exited)") << " |\n";
}

}  // namespace

std::uint64_t error_count(const std::map<std::string, ErrorTally>& errors) {
  std::uint64_t n = 0;
  for (const auto& [kind, t] : errors) n += t.count;
  return n;
}

void print(const LoadReport& r, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::json) out << to_json(r).dump() << "\n";
  else if (format == OutputFormat::markdown) print_markdown(r, out);
  else print_text(r, out);
}

void print(const IdleReport& r, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::json) out << to_json(r).dump() << "\n";
  else if (format == OutputFormat::markdown) print_markdown(r, out);
  else print_text(r, out);
}

}  // namespace bench
