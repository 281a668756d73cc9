// rightconv serve: the chat server on its embedded defaults, a config file, or flags.
#include <sys/resource.h>

#include <fstream>
#include <thread>
#include <ostream>

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "guidance_reload.hpp"
#include "systemd_notify.hpp"
#include "guidance/guidance_loader.hpp"
#include "handoff/handoff_service.hpp"
#include "handoff/hub_relay.hpp"
#include "handoff_setup.hpp"
#include "server/logging.hpp"
#include "server/server.hpp"
#include "staff/daily_purge.hpp"
#include "staff/staff_api.hpp"
#include "store/group_commit_writer.hpp"
#include "store/sqlite_conversation_log.hpp"
#include "store/database_target.hpp"
#include "store/serve_lock.hpp"
#include "database_options.hpp"
#include "wall_clock.hpp"

namespace rc::cli {
namespace {

const char* kHelp =
    "usage: rightconv serve [--config FILE] [--listen ADDR:PORT] [--staff-listen ADDR:PORT] [--console-listen ADDR:PORT]\n"
    "                       [--db PATH]\n"
    "                       [--dialogs DIR] [--content DIR] [--web DIR] [--log-format text|json]\n"
    "                       [--log-level LEVEL] [--port-file FILE]\n"
    "Runs the chat server (WebSocket protocol v1 at /v1/chat, the chat page at /, /healthz, /readyz).\n"
    "The staff API and review page listen separately (default 127.0.0.1:8081), and so does the staff\n"
    "console WebSocket /v1/staff (default 127.0.0.1:8082).\n"
    "Defaults: 127.0.0.1:8080, ./rightconv.db, dialogs/, content/, web/. Flags override the file.\n"
    "  --port-file FILE   write the chat, staff and console ports, one per line (useful with port 0)\n"
    "Stops cleanly on SIGTERM or SIGINT. SIGHUP re-reads the dialogs and content: the new set is\n"
    "served only if it checks out whole (else the running one stays, and the log says why).\n"
    "Under systemd (Type=notify) it reports ready once listening with the database open.\n";

struct ServeFlags {
  std::string config_file, listen, staff_listen, console_listen, db, dialogs, content, web, log_format, log_level, port_file;
};

bool parse_flags(const Args& args, ServeFlags& f, std::ostream& err) {
  const std::pair<const char*, std::string ServeFlags::*> table[] = {
      {"--config", &ServeFlags::config_file}, {"--listen", &ServeFlags::listen},        {"--db", &ServeFlags::db}, {"--staff-listen", &ServeFlags::staff_listen},
      {"--dialogs", &ServeFlags::dialogs},    {"--content", &ServeFlags::content},      {"--web", &ServeFlags::web},
      {"--log-format", &ServeFlags::log_format}, {"--log-level", &ServeFlags::log_level}, {"--port-file", &ServeFlags::port_file},
      {"--console-listen", &ServeFlags::console_listen}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool known = false;
    for (const auto& [name, member] : table) {
      if (args[i] != name) continue;
      if (i + 1 >= args.size()) {
        err << "serve: " << name << " needs a value\n";
        return false;
      }
      f.*member = args[++i];
      known = true;
    }
    if (!known) {
      err << "serve: unknown argument " << args[i] << " (see rightconv serve --help)\n";
      return false;
    }
  }
  return true;
}

// Flags win over the file; the file wins over the embedded defaults.
bool apply_flags(const ServeFlags& f, Config& c, std::ostream& err) {
  if (!f.listen.empty()) {
    auto l = parse_listen(f.listen, c.server.listen_address);
    if (!l) {
      err << "serve: --listen: " << l.error().message << "\n";
      return false;
    }
    c.server.listen_address = l->first;
    c.server.port = l->second;
  }
  if (!f.staff_listen.empty()) {
    auto l = parse_listen(f.staff_listen, c.staff_address);
    if (!l) {
      err << "serve: --staff-listen: " << l.error().message << "\n";
      return false;
    }
    c.staff_address = l->first;
    c.staff_port = l->second;
  }
  if (!f.console_listen.empty()) {
    auto l = parse_listen(f.console_listen, c.server.console_address);
    if (!l) {
      err << "serve: --console-listen: " << l.error().message << "\n";
      return false;
    }
    c.server.console_address = l->first;
    c.server.console_port = l->second;
  }
  if (!f.db.empty()) {
    c.db_path = f.db;
    c.db_from_flag = true;
  }
  if (!f.dialogs.empty()) c.dialogs = {f.dialogs};
  if (!f.content.empty()) c.content = f.content;
  if (!f.web.empty()) c.server.web_root = f.web;
  if (!f.log_format.empty()) {
    if (f.log_format != "text" && f.log_format != "json") {
      err << "serve: --log-format must be text or json\n";
      return false;
    }
    c.logging.format = f.log_format;
  }
  if (!f.log_level.empty()) c.logging.level = f.log_level;
  return true;
}

// Each chat holds a socket: allow as many as the hard limit permits (often 1024 by default).
void raise_open_file_limit(int max_connections) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < static_cast<rlim_t>(max_connections) + 64)
    spdlog::warn("open file limit is {}: fewer than limits.max_connections ({}) chats can be open; raise it (ulimit -n)",
                 static_cast<unsigned long long>(lim.rlim_cur), max_connections);
}

}  // namespace

int serve_command(const Args& args, std::ostream& out, std::ostream& err) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      out << kHelp;
      return kOk;
    }
  ServeFlags flags;
  if (!parse_flags(args, flags, err)) return kUsage;
  Config config;
  if (!flags.config_file.empty()) {
    auto loaded = load_config_file(flags.config_file);
    if (!loaded) {
      err << loaded.error().describe() << "\nserve: not starting: fix the configuration\n";
      return kProblems;
    }
    config = loaded.value();
  }
  if (!apply_flags(flags, config, err)) return kUsage;
  setup_logging(config.logging);

  GuidanceSource guidance_source(std::make_shared<const GuidanceSet>(
      load_guidance(config.dialogs, config.content, config.contacts, config.file.empty() ? "config" : config.file, config.spelling_dictionary)));
  const GuidanceSet& guidance = *guidance_source.current();  // as first loaded: checked here, and for the connectors
  for (const auto& p : guidance.problems)
    (p.severity == Severity::error ? spdlog::error("{}", p.describe()) : spdlog::warn("{}", p.describe()));
  if (has_errors(guidance.problems) || guidance.dialogs.empty()) {
    err << "serve: not starting: the dialogs or content have errors (run rightconv check)\n";
    return kProblems;
  }

  raise_open_file_limit(config.server.limits.max_connections + 256 + 2 * static_cast<int>(config.server.limits.max_staff_connections));
  auto target = database_target_of(config);  // its errors never repeat a password
  if (!target) {
    err << "serve: not starting: " << target.error().message << "\n";
    return kProblems;
  }
  // One server per SQLite file; any number share a PostgreSQL database.
  std::unique_ptr<store::ServeLock> serve_lock;
  if (!target->is_postgresql()) {
    auto taken = store::ServeLock::take(target->sqlite_path);
    if (!taken) {
      err << "serve: not starting: " << taken.error().message << "\n";
      return kProblems;
    }
    serve_lock = std::move(taken.value());
  }
  store::GroupCommitWriter writer({target->sqlite_path, config.db_sync == "full", 1000, config.group_commit_max, target->postgresql});
  if (auto e = writer.start(); !e.empty()) {
    err << "serve: cannot open the database " << target->describe() << ": " << e << "\n";
    return kProblems;
  }
  auto reads = target->is_postgresql() ? store::ReadConnections::postgresql(*target->postgresql) : store::ReadConnections::sqlite(target->sqlite_path);
  store::SqliteConversationLog log(writer);
  const Clock now = wall_clock_ms;
  remember_dialogs(log, guidance, now());

  // Handoff: the live hub, the service, the connectors and the outbox that delivers to them.
  // Declared before the server, so they outlive every session it holds.
  Metrics metrics;
  HandoffHub hub;
  handoff::ConnectorSet connectors;
  const Millis resume_window = static_cast<Millis>(config.retention.resume_token_hours) * 3600 * 1000;
  HandoffService handoffs(config.handoff, guidance_source, writer, hub, connectors, now, metrics, resume_window);
  if (auto built = cli::build_connectors(config, guidance, handoffs, hub, now, connectors); !built) {
    err << built.error().describe() << "\nserve: not starting: fix the configuration\n";
    return kProblems;
  }
  handoff::OutboxWorker outbox(writer, connectors, config.handoff.outbox_workers, config.handoff.outbox_poll_seconds, now, &metrics);
  handoffs.set_outbox(&outbox);
  // Instances sharing a PostgreSQL database pass handoff news, and who is connected, to each other.
  std::unique_ptr<handoff::HubRelay> relay;
  if (target->is_postgresql()) {
    relay = std::make_unique<handoff::HubRelay>(writer, *target->postgresql, hub, outbox.instance(), now);
    handoffs.share_presence(outbox.instance());
    relay->start();
  }
  Server server(config.server, ServerServices{.voice = config.voice, .guidance = guidance_source, .log = log, .writer = writer, .handoffs = handoffs,
                                              .metrics = metrics, .clock = now,
                                              .resume_window = resume_window});

  auto port = server.listen();
  if (!port) {
    err << "serve: " << port.error().message << "\n";
    return kProblems;
  }
  auto console_port = server.listen_console();
  if (!console_port) {
    err << "serve: " << console_port.error().message << "\n";
    return kProblems;
  }
  const staff::ChatView chat_view{guidance_source, metrics, server.context().open_chats};
  staff::StaffApi staff_api(staff::StaffApiSettings{reads, config.server.web_root, now}, writer, &chat_view, server.context().sign_ins);
  staff_api.serve_connectors(&connectors, &handoffs, console_port.value(), http::AddressList::parse(config.handoff.callback_sources).value());
  staff_api.serve_call_page(port.value());
  auto staff_port = server.listen_staff(config.staff_address, config.staff_port, [&staff_api](http::Request r) { return staff_api.handle(std::move(r)); });
  if (!staff_port) {
    err << "serve: " << staff_port.error().message << "\n";
    return kProblems;
  }
  if (!flags.port_file.empty()) {
    std::ofstream(flags.port_file + ".tmp") << port.value() << "\n" << staff_port.value() << "\n" << console_port.value() << "\n";
    std::rename((flags.port_file + ".tmp").c_str(), flags.port_file.c_str());
  }
  spdlog::info("rightconv listening on http://{}:{} ({} dialog(s), database {}); staff API and review page on http://{}:{}; "
               "staff console WebSocket on ws://{}:{}/v1/staff; {} handoff connector(s)",
               config.server.listen_address, port.value(), guidance.dialogs.size(), target->describe(), config.staff_address, staff_port.value(),
               config.server.console_address, console_port.value(), connectors.size());
  staff::DailyPurge daily_purge(writer, config.retention, now);
  outbox.start(/*store_held_alone=*/serve_lock != nullptr);
  GuidanceReload reload(config, guidance_source, log, now);
  server.on_hangup([&reload] { reload(); });
  notify_systemd("READY=1\nSTATUS=serving on " + config.server.listen_address + ":" + std::to_string(port.value()));
  server.run();
  notify_systemd("STOPPING=1");
  outbox.stop();  // deliveries in flight finish (bounded by each connector's timeout); the rest wait in the outbox
  daily_purge.stop();
  if (relay) relay->stop();
  writer.stop();  // everything queued is committed before we exit
  spdlog::info("stopped cleanly");
  spdlog::shutdown();
  return kOk;
}

}  // namespace rc::cli
