// rightconv backup, restore and verify-backup: an SQLite deployment's database copied while the
// server runs, checked, and put back. (PostgreSQL deployments use PostgreSQL's own tools.)
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

#include "command_args.hpp"
#include "commands.hpp"
#include "core/utc_time.hpp"
#include "database_options.hpp"
#include "store/serve_lock.hpp"
#include "store/sqlite_backup.hpp"

namespace rc::cli {

namespace {

namespace fs = std::filesystem;

const char* kBackupHelp =
    "usage: rightconv backup (--to FILE | --to-dir DIR [--keep-days N]) [--db PATH | --config FILE]\n"
    "Copies the SQLite database with SQLite's online backup API: one consistent snapshot, taken\n"
    "while the server runs and writes, into one self-contained file readable by its owner only.\n"
    "The copy is recorded in the audit log (it holds every conversation).\n"
    "--to-dir names the file rightconv-YYYYMMDDTHHMMSSZ.db; with --keep-days N, backups in DIR\n"
    "older than N days are then deleted (keep them no longer than the retention periods: an\n"
    "erased conversation lives on in every older backup). Encrypt backups that leave the host.\n"
    "PostgreSQL: use pg_dump or pg_basebackup (docs/deployment.md).\n";

const char* kRestoreHelp =
    "usage: rightconv restore --from FILE [--replace] [--db PATH | --config FILE]\n"
    "Checks the backup (as verify-backup does), then makes it the database. Refuses while a\n"
    "server runs on the database; replaces an existing database only with --replace. A restored\n"
    "file from an older version is brought up to date when the server starts.\n";

const char* kVerifyHelp =
    "usage: rightconv verify-backup FILE\n"
    "Checks a backup without changing it: SQLite's integrity check, the schema version (not\n"
    "newer than this build's), and the audit log's hash chain. Exit 0 if usable, 1 if not.\n";

std::string utc_stamp(std::int64_t ms) { return utc_format(ms, "%Y%m%dT%H%M%SZ"); }
std::string utc_time(std::int64_t ms) { return ms == 0 ? "none" : utc_iso8601(ms); }

void print_facts(std::ostream& out, const store::DatabaseFacts& f) {
  out << "  schema version " << f.schema_version << ", " << f.bytes << " bytes, " << f.conversations << " conversation(s), " << f.turns
      << " turn(s), newest turn " << utc_time(f.newest_turn_at) << "\n";
}

// The SQLite file the options name, or "" after saying why there is none.
std::string sqlite_path_of(const Config& config, const char* command, std::ostream& err) {
  auto target = database_target_of(config);
  if (!target) {
    err << command << ": " << target.error().message << "\n";
    return {};
  }
  if (target->is_postgresql()) {
    err << command << ": the database is PostgreSQL: back it up with pg_dump or pg_basebackup (docs/deployment.md)\n";
    return {};
  }
  return target->sqlite_path;
}

// The backup is a read of every conversation, so it is audited, in the file before the copy.
bool audit_copy(const std::string& db_path, const std::string& action, const nlohmann::json& target, std::ostream& err) {
  try {
    store::SqliteDb db(db_path, true, 10000);
    db.begin_write();
    staff::append_audit(db, {wall_clock_ms(), "cli:" + action, action, target.dump(), "local"});
    db.commit();
    return true;
  } catch (const std::exception& e) {
    err << action << ": cannot write the audit row to " << db_path << ": " << e.what() << "\n";
    return false;
  }
}

// Deletes rightconv-STAMP.db files in `dir` whose stamp is older than `days` (by the name, which
// is when they were taken, not the file's time, which a copy elsewhere may have changed).
void prune_backups(const std::string& dir, int days, std::int64_t now_ms, std::ostream& out) {
  const std::string oldest = "rightconv-" + utc_stamp(now_ms - std::int64_t(days) * 86400 * 1000) + ".db";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.size() == oldest.size() && name.rfind("rightconv-", 0) == 0 && name.ends_with(".db");
    if (ours && name < oldest && fs::remove(entry.path(), ec)) out << "deleted " << entry.path().string() << " (older than " << days << " days)\n";
  }
}

}  // namespace

int backup_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  if (wants_help(args)) {
    out << kBackupHelp;
    return kOk;
  }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  std::string to = take_value(args, "--to");
  const std::string dir = take_value(args, "--to-dir"), keep = take_value(args, "--keep-days");
  const bool keep_ok = keep.empty() || (keep.size() <= 5 && keep.find_first_not_of("0123456789") == std::string::npos && std::stoi(keep) > 0);
  if (to.empty() == dir.empty() || !args.empty() || !keep_ok || (!keep.empty() && dir.empty())) {
    err << "backup: give --to FILE or --to-dir DIR (--keep-days N, a whole number of days, only with --to-dir)\n" << kBackupHelp;
    return kUsage;
  }
  const std::string db_path = sqlite_path_of(*config, "backup", err);
  if (db_path.empty()) return kUsage;
  const auto now = wall_clock_ms();
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    // A copy left half-written by a backup that was killed: personal data nobody will use.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("rightconv-", 0) == 0 && name.ends_with(".db.partial")) fs::remove(entry.path(), ec);
    }
    to = (fs::path(dir) / ("rightconv-" + utc_stamp(now) + ".db")).string();
  }
  if (!fs::is_regular_file(db_path)) {
    err << "backup: no database file at " << db_path << "\n";
    return kProblems;
  }
  if (!audit_copy(db_path, "backup", {{"to", fs::absolute(to).string()}}, err)) return kProblems;
  auto copied = store::back_up_sqlite(db_path, to);
  if (!copied) {
    err << "backup: " << copied.error().message << "\n";
    return kProblems;
  }
  out << "backed up " << db_path << " to " << to << "\n";
  print_facts(out, *copied);
  if (!keep.empty()) prune_backups(dir, std::stoi(keep), now, out);
  return kOk;
}

int verify_backup_command(const Args& args, std::ostream& out, std::ostream& err) {
  if (wants_help(args)) {
    out << kVerifyHelp;
    return kOk;
  }
  if (args.size() != 1) {
    err << kVerifyHelp;
    return kUsage;
  }
  const auto check = store::check_backup(args[0]);
  if (!check.ok()) {
    out << args[0] << ": NOT a usable backup\n";
    for (const auto& p : check.problems) out << "  " << p << "\n";
    return kProblems;
  }
  out << args[0] << ": usable backup (integrity ok, audit chain intact: " << check.audit.rows << " row(s))\n";
  for (const auto& w : check.warnings) out << "  warning: " << w << "\n";
  print_facts(out, check.facts);
  out << "  audit head " << check.audit.head_id << ":" << check.audit.head_hash << "\n";
  return kOk;
}

int restore_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  if (wants_help(args)) {
    out << kRestoreHelp;
    return kOk;
  }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  const std::string from = take_value(args, "--from");
  const bool replace = take_flag(args, "--replace");
  if (from.empty() || !args.empty()) {
    err << "restore: give --from FILE\n" << kRestoreHelp;
    return kUsage;
  }
  const std::string db_path = sqlite_path_of(*config, "restore", err);
  if (db_path.empty()) return kUsage;
  const auto check = store::check_backup(from);
  if (!check.ok()) {
    err << "restore: " << from << " is not a usable backup, nothing changed:\n";
    for (const auto& p : check.problems) err << "  " << p << "\n";
    return kProblems;
  }
  for (const auto& w : check.warnings) err << "restore: warning: " << w << "\n";
  auto lock = store::ServeLock::take(db_path);  // held until the end: no server can start midway
  if (!lock) {
    err << "restore: a server is running on " << db_path << " (" << lock.error().message << "); stop it first, nothing changed\n";
    return kProblems;
  }
  const std::string kept_as = db_path + ".replaced-" + utc_stamp(wall_clock_ms());
  const bool replacing = fs::exists(db_path);
  auto restored = store::restore_sqlite(from, db_path, replace, kept_as);
  if (!restored) {
    err << "restore: " << restored.error().message << "\n";
    return kProblems;
  }
  out << "restored " << from << " into " << db_path << "\n";
  print_facts(out, *restored);
  if (replacing)
    out << "the database it replaced is kept as " << kept_as << " (with its -wal): move it back if this was the wrong file; "
        << "delete it once the restore is confirmed (it holds personal data)\n";
  if (!audit_copy(db_path, "restore", {{"from", fs::absolute(from).string()}}, err)) {
    err << "restore: the database WAS restored, but its audit row could not be written\n";
    return kProblems;
  }
  return kOk;
}

}  // namespace rc::cli
