// A thin RAII layer over libpq: one connection, statements with text parameters ($1, $2...),
// results read as text or integers. Failures of a statement are PgError (with the SQLSTATE and
// where in the statement it failed); failing to connect is a value (an expected failure).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "database_target.hpp"
#include "db.hpp"

struct pg_conn;
struct pg_result;

namespace rc::store {

struct PgError : DbError {
  std::string sqlstate;
  int position = 0;  // 1-based character in the statement, 0 when PostgreSQL gave none
  PgError(const std::string& what, std::string state, int pos) : DbError(what), sqlstate(std::move(state)), position(pos) {}
};

class PgRows {
 public:
  explicit PgRows(pg_result* r);
  ~PgRows();
  PgRows(PgRows&& other) noexcept;
  PgRows(const PgRows&) = delete;
  PgRows& operator=(const PgRows&) = delete;
  PgRows& operator=(PgRows&&) = delete;

  int size() const;
  int columns() const;
  std::string column_name(int column) const;
  bool is_boolean(int column) const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::int64_t affected() const;  // rows an INSERT/UPDATE/DELETE changed (0 for anything else)

 private:
  pg_result* r_;
};

using PgParam = std::optional<std::string>;  // nullopt is SQL NULL

// The store's numbered parameters (?1, ?2... and bare ?) as PostgreSQL's ($1, $2...), outside
// string literals, quoted names and comments.
std::string to_postgresql_parameters(const std::string& sql);

class PgDb;

// One statement of the store's SQL run on PostgreSQL: parameters are typed (bigint or text,
// NULLs too, so `?1 IS NULL OR x = ?1` works), the rows are fetched when it first steps. It
// behaves as SqliteStatement does: booleans read as 1 and 0, binding starts a new run, a step
// after the last row runs it again, reading before a step gives "" and 0.
class PgStatement : public Statement {
 public:
  PgStatement(PgDb& db, const std::string& sql);
  using Statement::bind;
  Statement& bind(int index, const std::string& value) override;
  Statement& bind(int index, std::int64_t value) override;
  Statement& bind_null_text(int index) override;
  Statement& bind_null_integer(int index) override;
  bool step() override;
  void reset() override;
  std::string text(int column) const override;
  std::int64_t integer(int column) const override;
  bool is_null(int column) const override;
  int column_count() const override;

 private:
  void set(int index, std::optional<std::string> value, unsigned type);
  bool on_row() const;
  PgDb& db_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<unsigned> types_;
  std::optional<PgRows> rows_;
  int row_ = -1;
};

class PgDb : public Db {
 public:
  // Connects with a 10 s connect timeout; the error names the URL (never the password).
  static Result<std::unique_ptr<PgDb>> connect(const PostgresTarget& target);
  ~PgDb();
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  // Runs one or more statements without parameters.
  void exec(const std::string& sql) override;
  // $1-style SQL with untyped text parameters, for the schema and copy tools.
  PgRows query(const std::string& sql, const std::vector<PgParam>& params = {});
  // NOTIFY payloads on the channels this connection LISTENs to, waiting up to `timeout_ms` for
  // the first; empty on timeout. Throws PgError when the connection broke.
  std::vector<std::string> notifications(int timeout_ms);
  // The store's ?N-style SQL (db.hpp).
  Statement& prepared(const std::string& sql) override;
  std::unique_ptr<Statement> statement(const std::string& sql) override;
  std::int64_t changes() const override { return changes_; }
  Dialect dialect() const override { return Dialect::postgresql; }

 protected:
  void open_write() override { exec("BEGIN"); }
  void commit_write() override { exec("COMMIT"); }
  void roll_back_open() noexcept override;

 public:
  bool usable() const override { return healthy(); }
  bool healthy() const;
  // For PgStatement: runs $N SQL with typed parameters and records the rows changed.
  PgRows run_typed(const std::string& sql, const std::vector<std::optional<std::string>>& values, const std::vector<unsigned>& types);

 private:
  explicit PgDb(pg_conn* c) : conn_(c) {}
  pg_conn* conn_;
  std::int64_t changes_ = 0;
  std::unordered_map<std::string, std::unique_ptr<PgStatement>> statements_;
};

}  // namespace rc::store
