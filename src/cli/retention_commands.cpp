// rightconv purge | export-subject | erase: retention and data-subject requests, all audited.
#include <chrono>
#include <fstream>
#include <ostream>
#include <thread>

#include "command_args.hpp"
#include "commands.hpp"
#include "database_options.hpp"
#include "store/audit_log.hpp"
#include "staff/retention_store.hpp"
#include "store/review_queries.hpp"

namespace rc::cli {
namespace {

// Runs `work` in one transaction; false (with the reason on err) if the database failed.
template <class Work>
bool in_transaction(store::Db& db, std::ostream& err, Work work) {
  try {
    db.begin_write();
    work();
    db.commit();
    return true;
  } catch (const store::DbError& e) {
    db.rollback_if_open();
    err << "database error: " << e.what() << "\n";
    return false;
  }
}

// After a purge or an erasure: nothing removed may stay readable in the -wal file. A running
// server's readers can keep it from finishing; say so, since the text is then still on disk.
// The server's own checkpointer holds the checkpoint lock for a moment now and then, and SQLite
// answers busy at once rather than waiting for it: so try again, for a few seconds at most.
void empty_wal(store::Db& store, std::ostream& err) {
  auto* sqlite = dynamic_cast<store::SqliteDb*>(&store);
  if (!sqlite) return;  // PostgreSQL keeps no such file beside the data: what is deleted is gone from queries at once
  store::SqliteDb& db = *sqlite;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    try {
      if (store::truncate_wal(db)) return;
    } catch (const store::SqliteError&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < give_up);
  err << "warning: the database's WAL could not be emptied now (the server is reading); the server's next purge empties it\n";
}

}  // namespace

int purge_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  if (wants_help(args)) {
    out << "usage: rightconv purge --dry-run | --now [--db PATH | --config FILE]\n"
           "Applies the retention periods in the config (retention.*): free text, abandoned conversations,\n"
           "resume tokens, the structured record and the audit log. Conversations on legal hold are kept.\n"
           "--dry-run counts what would go; --now removes it. Both are recorded in the audit log.\n";
    return kOk;
  }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  const bool dry_run = take_flag(args, "--dry-run"), now = take_flag(args, "--now");
  if (dry_run == now || !args.empty()) {
    err << "purge: say --dry-run or --now (see rightconv purge --help)\n";
    return kUsage;
  }
  auto db = open_store(*config, err);
  if (!db) return kProblems;
  staff::PurgeCounts counts;
  if (!in_transaction(*db, err, [&] {
        staff::take_purge_turn(*db, /*wait=*/true);
        counts = staff::purge(*db, config->retention, wall_clock_ms(), dry_run, "cli:purge");
      }))
    return kProblems;
  if (!dry_run) empty_wal(*db, err);
  out << (dry_run ? "would purge: " : "purged: ") << counts.to_json().dump() << "\n";
  return kOk;
}

int export_subject_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  if (wants_help(args)) {
    out << "usage: rightconv export-subject (--ids ID[,ID...] | [--from DATE] [--to DATE] [--text WORDS]) --out FILE\n"
           "                                [--db PATH | --config FILE]\n"
           "Writes the conversations (transcripts, notes) a subject access request covers to FILE as JSON,\n"
           "for a person to review before release. Recorded in the audit log.\n";
    return kOk;
  }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  const std::string ids_text = take_value(args, "--ids"), out_file = take_value(args, "--out");
  std::multimap<std::string, std::string> params;
  for (const char* key : {"from", "to", "text"}) {
    const std::string v = take_value(args, std::string("--") + key);
    if (!v.empty()) params.emplace(std::string(key) == "text" ? "q" : key, v);
  }
  if (out_file.empty() || !args.empty() || (ids_text.empty() && params.empty())) {
    err << "export-subject: name --ids or a --from/--to/--text search, and --out FILE (see --help)\n";
    return kUsage;
  }
  auto filter = staff::parse_filter(params);
  if (!filter) {
    err << "export-subject: " << filter.error().message << "\n";
    return kUsage;
  }
  auto db = open_store(*config, err);
  if (!db) return kProblems;
  std::vector<std::string> ids;
  if (!ids_text.empty()) {
    for (std::size_t start = 0; start <= ids_text.size();) {
      auto comma = ids_text.find(',', start);
      ids.push_back(ids_text.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    staff::Filter f = *filter;
    f.limit = 500;
    for (;;) {
      auto page = staff::list_conversations(*db, f, staff::Scope{});
      for (const auto& item : page.items) ids.push_back(item["id"]);
      if (page.next_cursor.empty()) break;
      f.cursor = page.next_cursor;
    }
  }
  nlohmann::json package{{"generated_at", staff::iso_time(wall_clock_ms())}, {"request", ids_text.empty() ? filter->to_json() : nlohmann::json{{"ids", ids}}},
                         {"conversations", nlohmann::json::array()}, {"not_found", nlohmann::json::array()}};
  for (const auto& id : ids) {
    if (auto t = staff::transcript(*db, id, staff::Scope{})) package["conversations"].push_back(*t);
    else package["not_found"].push_back(id);
  }
  store::restrict_file(out_file);  // personal data: owner only, whatever the umask
  std::ofstream file(out_file, std::ios::trunc);
  file << package.dump(2) << "\n";
  if (!file) {
    err << "export-subject: cannot write " << out_file << "\n";
    return kProblems;
  }
  if (!in_transaction(*db, err, [&] {
        staff::append_audit(*db, {wall_clock_ms(), "cli:export-subject", "export_subject", nlohmann::json{{"conversations", ids}}.dump(), "local"});
      }))
    return kProblems;
  out << "wrote " << package["conversations"].size() << " conversation(s) to " << out_file << "\n";
  return package["not_found"].empty() ? kOk : kProblems;
}

int erase_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  if (wants_help(args)) {
    out << "usage: rightconv erase ID [ID...] [--db PATH | --config FILE]\n"
           "Removes conversations entirely (an erasure request), unless on legal hold. Recorded in the audit log.\n";
    return kOk;
  }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  if (args.empty()) {
    err << "erase: name at least one conversation id\n";
    return kUsage;
  }
  auto db = open_store(*config, err);
  if (!db) return kProblems;
  int problems = 0;
  for (const auto& id : args) {
    staff::EraseResult result{};
    if (!in_transaction(*db, err, [&] {
          result = staff::erase_conversation(*db, id);
          if (result == staff::EraseResult::erased)
            staff::append_audit(*db, {wall_clock_ms(), "cli:erase", "erase", nlohmann::json{{"conversation", id}}.dump(), "local"});
        }))
      return kProblems;
    if (result == staff::EraseResult::erased) empty_wal(*db, err);
    switch (result) {
      case staff::EraseResult::erased: out << "erased " << id << "\n"; break;
      case staff::EraseResult::held: err << "not erased: " << id << " is on legal hold\n", ++problems; break;
      case staff::EraseResult::not_found: err << "no such conversation: " << id << "\n", ++problems; break;
    }
  }
  return problems ? kProblems : kOk;
}

}  // namespace rc::cli
