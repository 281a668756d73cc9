// See sqlite_db.hpp.
#include "sqlite_db.hpp"
#include "wal_gather_vfs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>

#include "migrations.hpp"

namespace rc::store {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, const std::string& what) {
  throw SqliteError(what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)), rc);
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

Statement& SqliteStatement::bind(int i, const std::string& v) {
  int rc = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
Statement& SqliteStatement::bind_borrowed(int i, const std::string& v) {
  int rc = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
Statement& SqliteStatement::bind(int i, std::int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
Statement& SqliteStatement::bind_null_text(int i) {
  int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);  // nothing borrowed outlives the failed run
  fail(db_, rc, "step");
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::text(int c) const {
  const unsigned char* p = sqlite3_column_text(stmt_, c);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))) : std::string();
}
std::int64_t SqliteStatement::integer(int c) const { return sqlite3_column_int64(stmt_, c); }
bool SqliteStatement::is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
int SqliteStatement::column_count() const { return sqlite3_column_count(stmt_); }

void restrict_file(const std::string& path) {
  if (path.empty() || path[0] == ':') return;  // in memory
  // Never open() and close() a database file SQLite may have open in this process: closing any
  // descriptor drops all of the process's POSIX locks on it. A path-based chmod is safe, and
  // a file created here (O_EXCL) cannot have been open before.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (st.st_mode & 0007) ::chmod(path.c_str(), st.st_mode & 0770);
    return;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);  // otherwise sqlite3_open_v2 reports the real problem
}

namespace {

// The -wal and -shm files take the database's mode when SQLite creates them; ones left by an
// older version may not have.
void restrict_companions(const std::string& path) {
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string p = path + suffix;
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && (st.st_mode & 0007)) ::chmod(p.c_str(), st.st_mode & 0770);
  }
}

// SQLite counts every allocation it makes under one process-wide mutex unless told not to:
// two locks per allocation, about 3% of the writer's time (issue 18). Nothing here reads the
// counts (sqlite3_memory_used, a soft heap limit). It must be set before SQLite initialises, so
// before the first connection; a process that started SQLite elsewhere first keeps counting.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

SqliteDb::SqliteDb(const std::string& path, bool full_sync, int busy_timeout_ms, bool read_only, bool gather_wal) {
  configure_sqlite_once();
  if (!read_only) {
    restrict_file(path);
    restrict_companions(path);
  }
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const char* vfs = (full_sync || gather_wal) && !read_only ? wal_gather_vfs() : nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, vfs);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError("open " + path + ": " + msg, rc);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  sqlite3_extended_result_codes(db_, 1);
  try {
    if (!read_only) {
      exec("PRAGMA journal_mode=WAL");
      exec(full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      exec("PRAGMA secure_delete=ON");
    }
    exec("PRAGMA foreign_keys=ON");
  } catch (...) {
    sqlite3_close_v2(db_);  // the destructor will not run for a constructor that throws
    db_ = nullptr;
    throw;
  }
}

SqliteDb::~SqliteDb() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

void SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError(msg, rc);
  }
}

Statement& SqliteDb::prepared(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) it = statements_.emplace(sql, std::make_unique<SqliteStatement>(db_, sql)).first;
  return *it->second;
}

std::unique_ptr<Statement> SqliteDb::statement(const std::string& sql) { return std::make_unique<SqliteStatement>(db_, sql); }

void SqliteDb::roll_back_open() noexcept {
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

namespace {
bool checkpoint_all(SqliteDb& db, const char* pragma) {
  SqliteStatement q(db.handle(), pragma);
  return q.step() && q.integer(0) == 0;  // the first column is 1 when it could not finish
}
}  // namespace

bool truncate_wal(SqliteDb& db) { return checkpoint_all(db, "PRAGMA wal_checkpoint(TRUNCATE)"); }

bool restart_wal(SqliteDb& db) { return checkpoint_all(db, "PRAGMA wal_checkpoint(RESTART)"); }

std::int64_t checkpoint_passive(SqliteDb& db) {
  int log_frames = 0, copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) throw SqliteError(sqlite3_errmsg(db.handle()), rc);
  if (log_frames <= 0) return 0;
  SqliteStatement page(db.handle(), "PRAGMA page_size");
  page.step();
  return static_cast<std::int64_t>(log_frames) * (page.integer(0) + 24);  // a frame: its page and a 24-byte header
}

int schema_version(SqliteDb& db) {
  SqliteStatement version(db.handle(), "PRAGMA user_version");
  version.step();
  return static_cast<int>(version.integer(0));
}

void migrate(SqliteDb& db) {
  const int current = schema_version(db);
  // Foreign keys off while a migration runs, so a table can be rebuilt (SQLite's way to change
  // a constraint); they are checked before each migration commits, and on again after.
  db.exec("PRAGMA foreign_keys=OFF");
  for (const auto& m : migrations()) {
    if (m.version <= current) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(std::string(m.sql));
      SqliteStatement broken(db.handle(), "PRAGMA foreign_key_check");
      if (broken.step()) throw SqliteError("a row of " + broken.text(0) + " refers to a missing " + broken.text(2), SQLITE_CONSTRAINT);
      db.exec("PRAGMA user_version=" + std::to_string(m.version));
      db.exec("COMMIT");
    } catch (const SqliteError& e) {
      db.exec("ROLLBACK");
      db.exec("PRAGMA foreign_keys=ON");
      throw SqliteError("migration " + std::string(m.name) + ": " + e.what(), e.code);
    }
  }
  db.exec("PRAGMA foreign_keys=ON");
}

}  // namespace rc::store
