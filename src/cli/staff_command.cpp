// rightconv staff add|token|list|disable: staff accounts for the review API and consoles.
#include <ostream>

#include "command_args.hpp"
#include "commands.hpp"
#include "database_options.hpp"
#include "store/audit_log.hpp"
#include "store/review_queries.hpp"
#include "staff/staff_account_store.hpp"

namespace rc::cli {
namespace {

const char* kHelp =
    "usage: rightconv staff add ID --role ROLE [--name \"Display Name\"] [--days N]\n"
    "       rightconv staff token ID [--days N]     issue another token\n"
    "       rightconv staff list\n"
    "       rightconv staff disable ID              also revokes every token\n"
    "  common: --db PATH | --config FILE  (default ./rightconv.db)\n"
    "Roles: hub:east, hub:west, hub:south (their hub's conversations), leeds-wide (every conversation), admin (everything and the audit log).\n"
    "A token is printed once, here, and stored only as a hash. It expires after --days\n"
    "(default: staff_token_days in the config, 90).\n";

}  // namespace

int staff_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  if (wants_help(args)) {
    out << kHelp;
    return kOk;
  }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  const std::string role = take_value(args, "--role"), name = take_value(args, "--name"), days_text = take_value(args, "--days");
  int days = config->staff_token_days;
  if (!days_text.empty()) {
    if (days_text.find_first_not_of("0123456789") != std::string::npos || days_text.size() > 4 || std::stoi(days_text) < 1) {
      err << "staff: --days must be a whole number of days\n";
      return kUsage;
    }
    days = std::stoi(days_text);
  }
  if (args.empty() || (args[0] != "list" && args.size() != 2) || (args[0] == "list" && args.size() != 1)) {
    err << kHelp;
    return kUsage;
  }
  const std::string verb = args[0];
  if (verb != "add" && verb != "token" && verb != "list" && verb != "disable") {
    err << "staff: unknown action \"" << verb << "\"\n" << kHelp;
    return kUsage;
  }
  auto db = open_store(*config, err);
  if (!db) return kProblems;
  const std::int64_t now = wall_clock_ms();
  const std::int64_t valid_ms = static_cast<std::int64_t>(days) * 24 * 3600 * 1000;
  auto audit = [&](const std::string& action, const std::string& target) {
    staff::append_audit(*db, {now, "cli:staff", action, nlohmann::json{{"staff", target}}.dump(), "local"});
  };
  try {
    if (verb == "list") {
      for (const auto& s : staff::list_staff(*db))
        out << s.id << "\t" << s.role << "\t" << s.display_name << "\t" << (s.disabled_at ? "disabled " + staff::iso_time(*s.disabled_at) : "active")
            << "\n";
      return kOk;
    }
    db->begin_write();
    Result<std::string> token = make_error("");
    if (verb == "add") {
      if (role.empty()) {
        db->rollback_if_open();
        err << "staff add: --role is required (hub:east, hub:west, hub:south, leeds-wide or admin)\n";
        return kUsage;
      }
      auto added = staff::add_staff(*db, args[1], name, role, now);
      if (!added) {
        db->rollback_if_open();
        err << "staff add: " << added.error().message << "\n";
        return kProblems;
      }
      token = staff::issue_token(*db, args[1], now, valid_ms);
      audit("staff_add", args[1]);
    } else if (verb == "token") {
      token = staff::issue_token(*db, args[1], now, valid_ms);
      if (token) audit("staff_token", args[1]);
    } else {
      auto disabled = staff::disable_staff(*db, args[1], now);
      if (!disabled) {
        db->rollback_if_open();
        err << "staff disable: " << disabled.error().message << "\n";
        return kProblems;
      }
      audit("staff_disable", args[1]);
      db->commit();
      out << "disabled " << args[1] << " and revoked their tokens\n";
      return kOk;
    }
    if (!token) {
      db->rollback_if_open();
      err << "staff " << verb << ": " << token.error().message << "\n";
      return kProblems;
    }
    db->commit();
    out << token.value() << "\n";
    err << "This token is shown once: give it to " << args[1] << " now. It expires in " << days << " days.\n";
    return kOk;
  } catch (const std::exception& e) {  // SqliteError or PgError
    db->rollback_if_open();
    err << "staff: database error: " << e.what() << "\n";
    return kProblems;
  }
}

int audit_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      out << "usage: rightconv audit verify [--anchor ID:HASH] [--db PATH|postgresql://... | --config FILE]\n"
             "Recomputes the audit log's hash chain. Exit 0 if intact, 1 if a row was changed or removed.\n"
             "--anchor: a head printed earlier (by this command, the daily purge's log line or /metrics);\n"
             "  rows removed from the end of the log since then are found only this way.\n";
      return kOk;
    }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  std::optional<staff::AuditAnchor> anchor;
  if (const std::string a = take_value(args, "--anchor"); !a.empty()) {
    anchor = staff::parse_audit_anchor(a);
    if (!anchor) {
      err << "audit verify: --anchor must be ID:HASH (a row id, a colon, 64 hex characters)\n";
      return kUsage;
    }
  }
  if (args.size() != 1 || args[0] != "verify") {
    err << "usage: rightconv audit verify [--anchor ID:HASH] [--db PATH|postgresql://... | --config FILE]\n";
    return kUsage;
  }
  auto db = open_store(*config, err);
  if (!db) return kProblems;
  auto check = staff::verify_audit_chain(*db, anchor);
  if (check.ok) {
    out << "audit chain intact: " << check.rows << " row(s)" << (anchor ? ", anchor found unchanged" : "") << "\n";
    out << "head: " << check.head_id << ":" << check.head_hash << " (keep it: --anchor checks nothing was cut from the end)\n";
    return kOk;
  }
  out << "audit chain BROKEN at row " << check.first_bad_id << ": " << check.problem << "\n";
  return kProblems;
}

}  // namespace rc::cli
