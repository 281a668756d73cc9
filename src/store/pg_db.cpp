// See pg_db.hpp.
#include "pg_db.hpp"

#include <libpq-fe.h>

#include <poll.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>

namespace rc::store {

namespace {

// This machine's time zone by name (Europe/London), as SQLite's 'localtime' would use it: TZ,
// then /etc/timezone, then where /etc/localtime points. Empty when none says.
std::string local_time_zone() {
  if (const char* tz = std::getenv("TZ"); tz && *tz) return tz[0] == ':' ? tz + 1 : tz;
  std::string name;
  if (std::ifstream f("/etc/timezone"); f && std::getline(f, name) && !name.empty()) return name;
  char link[512];
  const ssize_t n = ::readlink("/etc/localtime", link, sizeof link - 1);
  if (n <= 0) return {};
  const std::string target(link, static_cast<std::size_t>(n));
  const auto at = target.find("zoneinfo/");
  return at == std::string::npos ? std::string() : target.substr(at + 9);
}

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
bool PgRows::is_boolean(int c) const { return PQftype(r_, c) == 16; }  // BOOLOID
std::int64_t PgRows::affected() const {
  // PQcmdTuples also counts a SELECT's rows; SQLite's changes() counts only writes.
  const std::string command = PQcmdStatus(r_);
  if (command.rfind("INSERT", 0) != 0 && command.rfind("UPDATE", 0) != 0 && command.rfind("DELETE", 0) != 0 && command.rfind("MERGE", 0) != 0)
    return 0;
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

Result<std::unique_ptr<PgDb>> PgDb::connect(const PostgresTarget& target) {
  // Defaults before the URL (which may set its own), the password and name after it. TCP
  // keepalives and a send timeout notice a database machine that vanished without a word (a
  // lost host, a partition) in about a minute, rather than the kernel's quarter of an hour.
  const char* keys[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                        "dbname", "password", "application_name", nullptr};
  const char* values[] = {"10", "1", "30", "10", "3", "60000",
                          target.url.c_str(), target.password.empty() ? nullptr : target.password.c_str(), target.application_name.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) return make_error("cannot connect to " + target.url + ": out of memory");
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // NOTICEs ("already exists, skipping") are not errors
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
  PQclear(PQexec(conn, "SET client_encoding = 'UTF8'"));
  // Local times in the staff statistics (hour of day, weekday) are this machine's, not the
  // database server's. An unknown name leaves the server's zone.
  if (const std::string zone = local_time_zone(); !zone.empty()) {
    if (char* quoted = PQescapeLiteral(conn, zone.c_str(), zone.size())) {
      PGresult* set = PQexec(conn, ("SET TIME ZONE " + std::string(quoted)).c_str());
      if (PQresultStatus(set) != PGRES_COMMAND_OK) {
        static std::atomic<bool> said{false};  // once per process, not per connection
        if (!said.exchange(true))
          spdlog::warn("PostgreSQL does not know this machine's time zone \"{}\": the staff statistics by hour and weekday use the "
                       "database server's zone instead", zone);
      }
      PQclear(set);
      PQfreemem(quoted);
    }
  }
  return std::unique_ptr<PgDb>(new PgDb(conn));
}

PgDb::~PgDb() { PQfinish(conn_); }

void PgDb::exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  check(conn_, r);  // clears r when it throws
  PQclear(r);
}

PgRows PgDb::query(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  check(conn_, r);
  return PgRows(r);
}

std::vector<std::string> PgDb::notifications(int timeout_ms) {
  auto take = [this] {
    std::vector<std::string> out;
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->extra ? n->extra : "");
      PQfreemem(n);
    }
    return out;
  };
  if (auto ready = take(); !ready.empty()) return ready;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) throw PgError("the connection to PostgreSQL is closed", "08003", 0);
  if (::poll(&fd, 1, timeout_ms) <= 0) return {};
  if (!PQconsumeInput(conn_)) {
    std::string why = PQerrorMessage(conn_);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    throw PgError(why, "08006", 0);  // connection_failure
  }
  return take();
}

bool PgDb::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

void PgDb::roll_back_open() noexcept {
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE || PQtransactionStatus(conn_) == PQTRANS_UNKNOWN) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

PgRows PgDb::run_typed(const std::string& sql, const std::vector<std::optional<std::string>>& values, const std::vector<unsigned>& types) {
  std::vector<const char*> raw;
  raw.reserve(values.size());
  for (const auto& v : values) raw.push_back(v ? v->c_str() : nullptr);
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(raw.size()), reinterpret_cast<const Oid*>(types.data()), raw.data(), nullptr,
                             nullptr, 0);
  check(conn_, r);
  PgRows rows(r);
  const std::string command = PQcmdStatus(r);
  if (command.rfind("SELECT", 0) != 0) changes_ = rows.affected();  // as SQLite: a read leaves the count of the last write
  return rows;
}

Statement& PgDb::prepared(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) it = statements_.emplace(sql, std::make_unique<PgStatement>(*this, sql)).first;
  return *it->second;
}

std::unique_ptr<Statement> PgDb::statement(const std::string& sql) { return std::make_unique<PgStatement>(*this, sql); }

std::string to_postgresql_parameters(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int next = 0;  // for bare ?
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or a quoted name, doubled quotes included
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string::npos ? sql.size() : end + 1;
      out.append(sql, i, stop - i);
      i = stop - 1;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // a comment to the end of the line
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string::npos ? sql.size() : end;
      out.append(sql, i, stop - i);
      i = stop - 1;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    std::size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
    out += '$';
    if (j == i + 1) {
      out += std::to_string(++next);
    } else {
      out.append(sql, i + 1, j - i - 1);
      next = std::max(next, std::stoi(sql.substr(i + 1, j - i - 1)));
    }
    i = j - 1;
  }
  return out;
}

namespace {
constexpr unsigned kInt8 = 20, kText = 25;  // pg_type OIDs of bigint and text
}  // namespace

PgStatement::PgStatement(PgDb& db, const std::string& sql) : db_(db), sql_(to_postgresql_parameters(sql)) {}

void PgStatement::set(int index, std::optional<std::string> value, unsigned type) {
  rows_.reset();  // a new run: never the rows of the last one
  row_ = -1;
  const auto i = static_cast<std::size_t>(index - 1);
  if (values_.size() <= i) {
    values_.resize(i + 1);
    types_.resize(i + 1, 0);
  }
  values_[i] = std::move(value);
  types_[i] = type;
}

Statement& PgStatement::bind(int index, const std::string& value) {
  set(index, value, kText);
  return *this;
}
Statement& PgStatement::bind(int index, std::int64_t value) {
  set(index, std::to_string(value), kInt8);
  return *this;
}
Statement& PgStatement::bind_null_text(int index) {
  set(index, std::nullopt, kText);
  return *this;
}
Statement& PgStatement::bind_null_integer(int index) {
  set(index, std::nullopt, kInt8);
  return *this;
}

bool PgStatement::step() {
  if (!rows_) {
    rows_.emplace(db_.run_typed(sql_, values_, types_));
    row_ = -1;
  }
  if (++row_ < rows_->size()) return true;
  rows_.reset();  // as SQLite: the next step runs it again
  row_ = -1;
  return false;
}

bool PgStatement::on_row() const { return rows_ && row_ >= 0 && row_ < rows_->size(); }

void PgStatement::reset() {
  rows_.reset();
  row_ = -1;
  values_.clear();
  types_.clear();
}

std::string PgStatement::text(int c) const {
  if (!on_row()) return {};
  const std::string v = rows_->text(row_, c);
  if (rows_->is_boolean(c) && !rows_->is_null(row_, c)) return v == "t" ? "1" : "0";  // as SQLite
  return v;
}
std::int64_t PgStatement::integer(int c) const {
  if (!on_row()) return 0;
  if (rows_->is_boolean(c)) return rows_->text(row_, c) == "t" ? 1 : 0;
  return rows_->integer(row_, c);
}
bool PgStatement::is_null(int c) const { return !on_row() || rows_->is_null(row_, c); }
int PgStatement::column_count() const { return rows_ ? rows_->columns() : 0; }

}  // namespace rc::store
