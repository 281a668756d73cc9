// Reads the server's database from a test: its SQLite file through the C API (read-only unless
// asked), or on the PostgreSQL run (test_store.hpp) its database through psql.
#pragma once
#include <sqlite3.h>

#include <string>
#include <vector>

#include "test_store.hpp"

namespace rc::test {

using Row = std::vector<std::string>;

inline std::vector<Row> query(const std::string& db_path, const std::string& sql, bool writable = false) {
  if (db_path.rfind("postgresql://", 0) == 0) return postgresql_query(db_path, sql);
  sqlite3* db = nullptr;
  std::vector<Row> rows;
  if (sqlite3_open_v2(db_path.c_str(), &db, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return rows;
  }
  sqlite3_busy_timeout(db, 10000);  // the server's writer may hold the lock for a moment
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      Row r;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        auto* t = sqlite3_column_text(st, i);
        r.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      rows.push_back(std::move(r));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

// Runs statements on the server's database (a test arranging a case: an expired token...).
inline bool execute(const std::string& db_path, const std::string& sql) {
  if (db_path.rfind("postgresql://", 0) == 0) return postgresql_execute(db_path, sql);
  sqlite3* db = nullptr;
  const bool opened = sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
  if (opened) sqlite3_busy_timeout(db, 10000);
  const bool ok = opened && sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

inline std::string scalar(const std::string& db_path, const std::string& sql, bool writable = false) {
  auto rows = query(db_path, sql, writable);
  return rows.empty() || rows[0].empty() ? std::string("<none>") : rows[0][0];
}

}  // namespace rc::test
