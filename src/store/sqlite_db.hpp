// A thin RAII layer over SQLite: a connection, prepared statements made once and reused,
// and errors as SqliteError (caught by the writer, which turns them into values).
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "db.hpp"

namespace rc::store {

struct SqliteError : DbError {
  int code;
  SqliteError(const std::string& what, int c) : DbError(what), code(c) {}
};

class SqliteStatement : public Statement {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql);
  ~SqliteStatement() override;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  using Statement::bind;
  Statement& bind(int index, const std::string& value) override;
  Statement& bind_borrowed(int index, const std::string& value) override;  // SQLITE_STATIC: reset() clears the bindings
  Statement& bind(int index, std::int64_t value) override;
  Statement& bind_null_text(int index) override;
  Statement& bind_null_integer(int index) override { return bind_null_text(index); }
  bool step() override;
  void reset() override;
  std::string text(int column) const override;
  std::int64_t integer(int column) const override;
  bool is_null(int column) const override;
  int column_count() const override;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb : public Db {
 public:
  // Opens (creating it 0600 if needed) and sets WAL mode, the sync level, the busy timeout,
  // foreign keys, and secure_delete (deleted content is overwritten, not left in free pages).
  // A commit's WAL writes are gathered into one (wal_gather_vfs.hpp) with full_sync, or when
  // `gather_wal` asks for it at synchronous=NORMAL.
  SqliteDb(const std::string& path, bool full_sync, int busy_timeout_ms, bool read_only = false, bool gather_wal = false);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const std::string& sql) override;
  Statement& prepared(const std::string& sql) override;  // made on first use, then reused
  std::unique_ptr<Statement> statement(const std::string& sql) override;
  std::int64_t changes() const override;
  Dialect dialect() const override { return Dialect::sqlite; }

 protected:
  // The writer begins and commits every batch: parsed once, not per batch as exec would.
  void open_write() override { prepared("BEGIN IMMEDIATE").run(); }
  void commit_write() override { prepared("COMMIT").run(); }
  void roll_back_open() noexcept override;

 public:
  bool usable() const override { return db_ != nullptr; }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
};

// Copies the WAL into the database and empties it, so nothing deleted or overwritten can still
// be read from the -wal file. False when readers kept it from finishing (try again later).
bool truncate_wal(SqliteDb& db);

// Copies the WAL into the database and has the next writer start again at the WAL's beginning,
// keeping the file: under steady writes, rewriting blocks the file already has costs the kernel
// less than growing a file that was emptied (no block allocation, no size change to journal on
// every fdatasync). False when readers or the writer kept it from finishing.
bool restart_wal(SqliteDb& db);

// Copies what it can of the WAL into the database without waiting for anyone (PASSIVE), and
// says how many bytes of the WAL the log holds since the writer last started it again: the
// WAL file keeps its size after a restart, so its size alone says nothing about its use.
std::int64_t checkpoint_passive(SqliteDb& db);

// Makes `path` readable by its owner (and group) only: personal data is never world-readable.
// Creates it (0600) if missing; an existing file loses its "other" permissions.
void restrict_file(const std::string& path);

// Brings the schema up to the newest migration (PRAGMA user_version records where it is).
void migrate(SqliteDb& db);
// The migration the file is at (0 for a new one).
int schema_version(SqliteDb& db);

}  // namespace rc::store
