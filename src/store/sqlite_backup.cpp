// See sqlite_backup.hpp.
#include "sqlite_backup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "migrations.hpp"
#include "sqlite_db.hpp"

namespace rc::store {
namespace {

namespace fs = std::filesystem;

// fsync of a file, or of a folder so a rename in it survives a power cut. Only for files this
// process has no SQLite connection on (closing a descriptor would drop that connection's locks).
bool sync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string folder_of(const std::string& path) {
  const auto parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Copies every page of `from` into `to` in one step: one read transaction, so one snapshot. A
// busy or locked answer (a checkpoint holding a lock for a moment) is tried again.
void copy_pages(SqliteDb& from, SqliteDb& to) {
  sqlite3_backup* backup = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
  if (!backup) throw SqliteError(sqlite3_errmsg(to.handle()), sqlite3_errcode(to.handle()));
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 200; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw SqliteError(std::string("backup: ") + sqlite3_errstr(rc), rc);
}

DatabaseFacts facts_of(SqliteDb& db, const std::string& path) {
  DatabaseFacts f;
  f.schema_version = schema_version(db);
  std::error_code ec;
  f.bytes = static_cast<std::int64_t>(fs::file_size(path, ec));
  auto& counts = db.prepared("SELECT (SELECT COUNT(*) FROM conversations), COUNT(*), COALESCE(MAX(at), 0) FROM turns");
  counts.step();
  f.conversations = counts.integer(0);
  f.turns = counts.integer(1);
  f.newest_turn_at = counts.integer(2);
  counts.reset();
  return f;
}

// The frame templates (migration 020) that logged frames name and the file lacks, counted once
// each: a copy missing them would show those frames as logged, not as sent.
std::int64_t missing_templates(SqliteDb& db) {
  if (schema_version(db) < 20) return 0;
  auto q = db.statement(
      "SELECT COUNT(DISTINCT named.id) FROM ("
      " SELECT json_extract(f.value, '$.\"$template\"') AS id FROM turns t, json_each(t.message) f"
      "  WHERE t.direction = 'out' AND t.message LIKE '%\"$template\"%'"
      " UNION ALL"
      " SELECT json_extract(f.value, '$.\"$summary\".\"$template\"') FROM turns t, json_each(t.message) f"
      "  WHERE t.direction = 'out' AND t.message LIKE '%\"$summary\"%') AS named"
      " WHERE named.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM frame_templates k WHERE k.id = named.id)");
  q->step();
  return q->integer(0);
}

// Writes `from`'s pages into a new file at `partial`, in `journal_mode`, synced.
void write_copy(SqliteDb& from, const std::string& partial, const char* journal_mode) {
  std::error_code ec;
  fs::remove(partial, ec);  // a copy an earlier run left half-written
  {
    SqliteDb to(partial, true, 5000);
    to.exec("PRAGMA journal_mode=DELETE");  // copy into a plain file, whatever the source's mode
    copy_pages(from, to);
    to.exec(std::string("PRAGMA journal_mode=") + journal_mode);
  }
  for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(partial + suffix, ec);
  if (!sync_path(partial)) throw SqliteError("cannot sync " + partial, SQLITE_IOERR);
}

void put_in_place(const std::string& partial, const std::string& path) {
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec) throw SqliteError("cannot rename " + partial + " to " + path + ": " + ec.message(), SQLITE_IOERR);
  if (!sync_path(folder_of(path))) throw SqliteError("cannot sync the folder of " + path, SQLITE_IOERR);
}

}  // namespace

Result<DatabaseFacts> back_up_sqlite(const std::string& db_path, const std::string& to_path) {
  std::error_code ec;
  if (!fs::is_regular_file(db_path, ec)) return make_error("no database file at " + db_path);
  if (fs::exists(to_path, ec)) return make_error(to_path + " already exists: a backup never overwrites a file");
  const std::string partial = to_path + ".partial";
  try {
    SqliteDb from(db_path, false, 5000, /*read_only=*/true);
    write_copy(from, partial, "DELETE");  // one self-contained file
    put_in_place(partial, to_path);
    SqliteDb copy(to_path, false, 5000, true);
    return facts_of(copy, to_path);
  } catch (const std::exception& e) {  // SQLite's errors, and the file system's
    fs::remove(partial, ec);
    return make_error("backup of " + db_path + " failed: " + e.what());
  }
}

BackupCheck check_backup(const std::string& file) {
  BackupCheck check;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    check.problems.push_back("no such file: " + file);
    return check;
  }
  try {
    SqliteDb db(file, false, 5000, /*read_only=*/true);
    auto integrity = db.statement("PRAGMA integrity_check(20)");
    while (integrity->step())
      if (integrity->text(0) != "ok") check.problems.push_back("integrity: " + integrity->text(0));
    if (!check.problems.empty()) return check;
    const int newest = migrations().back().version;
    check.facts.schema_version = schema_version(db);
    if (check.facts.schema_version == 0) {
      check.problems.push_back("not a rightconv database (schema version 0)");
      return check;
    }
    if (check.facts.schema_version > newest)
      check.problems.push_back("schema version " + std::to_string(check.facts.schema_version) + " is newer than this build's (" +
                               std::to_string(newest) + "): restore it with the version that made it");
    check.facts = facts_of(db, file);
    if (const auto missing = missing_templates(db); missing > 0)  // the record is whole: a warning, not a reason to refuse it
      check.warnings.push_back("turns name " + std::to_string(missing) +
                               " frame template(s) the file does not hold: those frames are shown as logged, not as sent");
    check.audit = staff::verify_audit_chain(db);
    if (!check.audit.ok)
      check.problems.push_back("audit chain broken at row " + std::to_string(check.audit.first_bad_id) + ": " + check.audit.problem);
  } catch (const SqliteError& e) {
    check.problems.push_back(std::string("cannot read it: ") + e.what());
  }
  return check;
}

Result<DatabaseFacts> restore_sqlite(const std::string& from, const std::string& db_path, bool replace, const std::string& kept_as) {
  std::error_code ec;
  const bool exists = fs::exists(db_path, ec);
  if (exists && !replace) return make_error(db_path + " exists: give --replace to overwrite it (stop the server first)");
  if (exists && fs::exists(kept_as, ec)) return make_error(kept_as + " already exists: nothing changed");
  const std::string partial = db_path + ".restoring";
  try {
    {
      SqliteDb source(from, false, 5000, /*read_only=*/true);
      write_copy(source, partial, "WAL");  // the server's mode, set before the file is in place
    }
    if (exists) {
      // The old database moves aside whole, its log with it: never replayed over the restored
      // pages, never lost. The -wal and -shm go first, so a failure leaves the database as it was.
      for (const char* suffix : {"-wal", "-shm"}) {
        fs::rename(db_path + suffix, kept_as + suffix, ec);
        if (ec && ec != std::errc::no_such_file_or_directory)
          throw SqliteError("cannot move " + db_path + suffix + " aside: " + ec.message(), SQLITE_IOERR);
      }
      fs::rename(db_path, kept_as, ec);
      if (ec) {
        for (const char* suffix : {"-wal", "-shm"}) fs::rename(kept_as + suffix, db_path + suffix, ec);
        throw SqliteError("cannot move " + db_path + " aside: " + ec.message(), SQLITE_IOERR);
      }
    }
    put_in_place(partial, db_path);
    struct stat folder {};
    if (::geteuid() == 0 && ::stat(folder_of(db_path).c_str(), &folder) == 0 && ::chown(db_path.c_str(), folder.st_uid, folder.st_gid) != 0)
      throw SqliteError("cannot give " + db_path + " to the owner of its folder", SQLITE_IOERR);
    SqliteDb restored(db_path, true, 5000, true);
    return facts_of(restored, db_path);
  } catch (const std::exception& e) {
    fs::remove(partial, ec);
    return make_error("restore of " + from + " into " + db_path + " failed: " + e.what());
  }
}

}  // namespace rc::store
