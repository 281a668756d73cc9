// A thin RAII layer over libpq: one connection, statements with text parameters ($1, $2...),
// results read as text or integers. Failures of a statement are PgError (with the SQLSTATE and
// where in the statement it failed); failing to connect is a value (an expected failure).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "database_target.hpp"

struct pg_conn;
struct pg_result;

namespace rc::store {

struct PgError : std::runtime_error {
  std::string sqlstate;
  int position = 0;  // 1-based character in the statement, 0 when PostgreSQL gave none
  PgError(const std::string& what, std::string state, int pos) : std::runtime_error(what), sqlstate(std::move(state)), position(pos) {}
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
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::int64_t affected() const;  // rows an INSERT/UPDATE/DELETE changed

 private:
  pg_result* r_;
};

using PgParam = std::optional<std::string>;  // nullopt is SQL NULL

class PgDb {
 public:
  // Connects with a 10 s connect timeout; the error names the URL (never the password).
  static Result<std::unique_ptr<PgDb>> connect(const PostgresTarget& target);
  ~PgDb();
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  // Runs one or more statements without parameters.
  void exec(const std::string& sql);
  PgRows query(const std::string& sql, const std::vector<PgParam>& params = {});
  bool healthy() const;

 private:
  explicit PgDb(pg_conn* c) : conn_(c) {}
  pg_conn* conn_;
};

}  // namespace rc::store
