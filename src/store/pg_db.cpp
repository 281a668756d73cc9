// See pg_db.hpp.
#include "pg_db.hpp"

#include <libpq-fe.h>

#include <cstdlib>

namespace rc::store {

namespace {

void check(PGconn* conn, PGresult* r) {
  const auto status = PQresultStatus(r);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return;
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary ? primary : PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* position = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : nullptr;
  const std::string sqlstate = state ? state : "";
  const int pos = position ? std::atoi(position) : 0;
  PQclear(r);
  throw PgError(message, sqlstate, pos);
}

}  // namespace

PgRows::PgRows(pg_result* r) : r_(r) {}
PgRows::~PgRows() { PQclear(r_); }
PgRows::PgRows(PgRows&& other) noexcept : r_(other.r_) { other.r_ = nullptr; }
int PgRows::size() const { return PQntuples(r_); }
int PgRows::columns() const { return PQnfields(r_); }
std::string PgRows::column_name(int c) const { return PQfname(r_, c); }
bool PgRows::is_null(int row, int c) const { return PQgetisnull(r_, row, c) != 0; }
std::string PgRows::text(int row, int c) const { return std::string(PQgetvalue(r_, row, c), PQgetlength(r_, row, c)); }
std::int64_t PgRows::integer(int row, int c) const { return is_null(row, c) ? 0 : std::strtoll(PQgetvalue(r_, row, c), nullptr, 10); }
std::int64_t PgRows::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

Result<std::unique_ptr<PgDb>> PgDb::connect(const PostgresTarget& target) {
  const char* keys[] = {"dbname", "password", "connect_timeout", "application_name", nullptr};
  const char* values[] = {target.url.c_str(), target.password.empty() ? nullptr : target.password.c_str(), "10", "rightconv", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) return make_error("cannot connect to " + target.url + ": out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    std::string hint;
    if (why.find("password") != std::string::npos)
      hint = target.password.empty() ? " (no password was given: set RIGHTCONV_DB_PASSWORD or db_password_file)"
                                     : " (check the password in RIGHTCONV_DB_PASSWORD or db_password_file)";
    return make_error("cannot connect to " + target.url + ": " + why + hint);
  }
  // Times are milliseconds since 1970 in BIGINT columns; text is UTF-8 whatever the server's default.
  PGresult* r = PQexec(conn, "SET client_encoding = 'UTF8'");
  PQclear(r);
  return std::unique_ptr<PgDb>(new PgDb(conn));
}

PgDb::~PgDb() { PQfinish(conn_); }

void PgDb::exec(const std::string& sql) { check(conn_, PQexec(conn_, sql.c_str())); }

PgRows PgDb::query(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  check(conn_, r);
  return PgRows(r);
}

bool PgDb::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

}  // namespace rc::store
