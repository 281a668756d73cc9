// What a failed statement means: unreachable (503, try later) or refused (500, a fault).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include "store/db_errors.hpp"
#include "store/pg_db.hpp"
#include "store/sqlite_db.hpp"

using namespace rc::store;

TEST_CASE("db errors - unreachable or busy databases are told apart from statements the database refused") {
  CHECK(is_unavailable(PgError("could not connect", "08001", 0)));
  CHECK(is_unavailable(PgError("connection lost", "08006", 0)));
  CHECK(is_unavailable(PgError("too many connections", "53300", 0)));
  CHECK(is_unavailable(PgError("terminating connection due to administrator command", "57P01", 0)));
  CHECK(is_unavailable(PgError("server closed the connection unexpectedly", "", 0)));
  CHECK_FALSE(is_unavailable(PgError("relation \"turns\" does not exist", "42P01", 12)));
  CHECK_FALSE(is_unavailable(PgError("duplicate key", "23505", 0)));
  CHECK(is_unavailable(SqliteError("database is locked", SQLITE_BUSY)));
  CHECK(is_unavailable(SqliteError("unable to open database file", SQLITE_CANTOPEN)));
  CHECK(is_unavailable(SqliteError("disk I/O error", SQLITE_IOERR_WRITE)));
  CHECK_FALSE(is_unavailable(SqliteError("no such table: turns", SQLITE_ERROR)));
  CHECK_FALSE(is_unavailable(SqliteError("attempt to write a readonly database", SQLITE_READONLY)));
  CHECK_FALSE(is_unavailable(std::runtime_error("not a database error")));
}
