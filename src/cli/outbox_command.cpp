// rightconv outbox list | retry: what the handoff outbox holds, and putting failed events
// back in the queue once their peer is fixed (this also re-enables a connector a peer
// switched off with 410). A running server picks retried events up at its next poll.
#include <ostream>

#include "command_args.hpp"
#include "commands.hpp"
#include "database_options.hpp"
#include "handoff/handoff_request.hpp"
#include "handoff/outbox_store.hpp"
#include "store/audit_log.hpp"

namespace rc::cli {
namespace {

const char* kHelp =
    "usage: rightconv outbox list [--status pending|delivered|failed] [--connector NAME] [--reference HO-...]\n"
    "                             [--limit N] [--json] [--db PATH | --config FILE]\n"
    "       rightconv outbox retry (--id N | --connector NAME) [--db PATH | --config FILE]\n"
    "list: the newest outbox events first, with their status, attempts and last error (never payloads).\n"
    "retry: makes failed events pending again now (one by id, or all of a connector) and re-enables\n"
    "the connector if a peer had disabled it (HTTP 410). Recorded in the audit log.\n";

nlohmann::json entry_json(const handoff::OutboxEntry& e) {
  nlohmann::json j{{"id", e.event.outbox_id}, {"event_id", e.event.event_id}, {"connector", e.event.connector}, {"kind", e.event.kind},
                   {"reference", e.event.reference}, {"status", handoff::to_string(e.status)}, {"attempts", e.attempts}, {"created_at", iso8601(e.event.created_at)},
                   {"next_attempt_at", iso8601(e.next_attempt_at)}, {"last_error", e.last_error}};
  if (e.delivered_at) j["delivered_at"] = iso8601(*e.delivered_at);
  return j;
}

int list(Args& args, store::Db& db, std::ostream& out, std::ostream& err) {
  handoff::OutboxFilter f;
  if (auto s = take_value(args, "--status"); !s.empty()) {
    f.status = handoff::outbox_status_of(s);
    if (!f.status) {
      err << "outbox list: --status must be pending, delivered or failed\n";
      return kUsage;
    }
  }
  if (auto c = take_value(args, "--connector"); !c.empty()) f.connector = c;
  if (auto r = take_value(args, "--reference"); !r.empty()) f.reference = r;
  if (auto l = take_value(args, "--limit"); !l.empty()) {
    if (l.find_first_not_of("0123456789") != std::string::npos || l.size() > 6 || std::stoi(l) == 0) {
      err << "outbox list: --limit must be a whole number from 1 to 999999\n";
      return kUsage;
    }
    f.limit = std::stoi(l);
  }
  const bool as_json = take_flag(args, "--json");
  if (!args.empty()) {
    err << "outbox list: unknown argument " << args[0] << "\n";
    return kUsage;
  }
  const auto entries = handoff::list_outbox(db, f);
  const auto disabled = handoff::disabled_connectors(db);
  if (as_json) {
    nlohmann::json j{{"events", nlohmann::json::array()}, {"disabled_connectors", disabled}};
    for (const auto& e : entries) j["events"].push_back(entry_json(e));
    out << j.dump(2) << "\n";
    return kOk;
  }
  for (const auto& name : disabled) out << "connector " << name << " is DISABLED (rightconv outbox retry --connector " << name << ")\n";
  for (const auto& e : entries)
    out << e.event.outbox_id << "  " << handoff::to_string(e.status) << "  " << e.event.connector << "  " << e.event.kind << "  " << e.event.reference << "  attempts "
        << e.attempts << (e.last_error.empty() ? "" : "  last error: " + e.last_error) << "\n";
  if (entries.empty()) out << "(no outbox events match)\n";
  return kOk;
}

int retry(Args& args, store::Db& db, std::ostream& out, std::ostream& err) {
  const std::string id = take_value(args, "--id"), connector = take_value(args, "--connector");
  if (id.empty() == connector.empty() || !args.empty() || (!id.empty() && (id.find_first_not_of("0123456789") != std::string::npos || id.size() > 18))) {
    err << "outbox retry: give --id N or --connector NAME (see rightconv outbox --help)\n";
    return kUsage;
  }
  std::int64_t changed = 0;
  const auto now = wall_clock_ms();
  try {
    db.begin_write();
    changed = handoff::retry_failed(db, id.empty() ? std::nullopt : std::optional<std::int64_t>(std::stoll(id)),
                                    connector.empty() ? std::nullopt : std::optional<std::string>(connector), now);
    staff::append_audit(db, {now, "cli:outbox", "outbox_retry", nlohmann::json{{"id", id}, {"connector", connector}, {"events", changed}}.dump(), "local"});
    db.commit();
  } catch (const std::exception& e) {
    db.rollback_if_open();
    err << "outbox retry: " << e.what() << "\n";
    return kProblems;
  }
  out << "retrying " << changed << " event(s)" << (connector.empty() ? "" : "; connector " + connector + " enabled") << "\n";
  return kOk;
}

}  // namespace

int outbox_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  if (args.empty() || wants_help(args)) {
    (args.empty() ? err : out) << kHelp;
    return args.empty() ? kUsage : kOk;
  }
  const std::string verb = args[0];
  args.erase(args.begin());
  if (verb != "list" && verb != "retry") {
    err << "outbox: unknown subcommand \"" << verb << "\" (list or retry)\n";
    return kUsage;
  }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  auto db = open_store(*config, err);
  if (!db) return kProblems;
  return verb == "list" ? list(args, *db, out, err) : retry(args, *db, out, err);
}

}  // namespace rc::cli
