// Reads the server's SQLite file from a test, through the C API, read-only.
#pragma once
#include <sqlite3.h>

#include <string>
#include <vector>

namespace rc::test {

using Row = std::vector<std::string>;

inline std::vector<Row> query(const std::string& db_path, const std::string& sql, bool writable = false) {
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

inline std::string scalar(const std::string& db_path, const std::string& sql, bool writable = false) {
  auto rows = query(db_path, sql, writable);
  return rows.empty() || rows[0].empty() ? std::string("<none>") : rows[0][0];
}

}  // namespace rc::test
