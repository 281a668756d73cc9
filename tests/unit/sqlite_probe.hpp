// Small reads and writes the store's unit tests make on an SqliteDb: one value, or whether a
// statement was refused.
#pragma once
#include <string>

#include "store/sqlite_db.hpp"

// The first column of the first row, "(none)" when there is no row.
inline std::string one(rc::store::SqliteDb& db, const std::string& sql) {
  rc::store::SqliteStatement q(db.handle(), sql);
  return q.step() ? q.text(0) : std::string("(none)");
}

// True when running `sql` failed (a constraint, an I/O error).
inline bool refused(rc::store::SqliteDb& db, const std::string& sql) {
  try {
    db.exec(sql);
    return false;
  } catch (const rc::store::SqliteError&) {
    return true;
  }
}
