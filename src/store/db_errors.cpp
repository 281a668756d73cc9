// See db_errors.hpp.
#include "db_errors.hpp"

#include "pg_db.hpp"
#include "sqlite_db.hpp"

namespace rc::store {

bool is_unique_violation(const std::exception& e) {
  if (const auto* s = dynamic_cast<const SqliteError*>(&e)) return s->code == SQLITE_CONSTRAINT_UNIQUE || s->code == SQLITE_CONSTRAINT_PRIMARYKEY;
  if (const auto* p = dynamic_cast<const PgError*>(&e)) return p->sqlstate == "23505";
  return false;
}

bool is_constraint_violation(const std::exception& e) {
  if (const auto* s = dynamic_cast<const SqliteError*>(&e)) return (s->code & 0xff) == SQLITE_CONSTRAINT;
  if (const auto* p = dynamic_cast<const PgError*>(&e)) return p->sqlstate.rfind("23", 0) == 0;
  return false;
}

bool is_unavailable(const std::exception& e) {
  if (const auto* s = dynamic_cast<const SqliteError*>(&e)) {
    const int primary = s->code & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR ||
           primary == SQLITE_FULL;
  }
  if (const auto* p = dynamic_cast<const PgError*>(&e))
    return p->sqlstate.empty() || p->sqlstate.rfind("08", 0) == 0 || p->sqlstate.rfind("53", 0) == 0 || p->sqlstate.rfind("57", 0) == 0;
  return dynamic_cast<const DbError*>(&e) != nullptr;  // a store error of no known kind: most likely the connection
}

}  // namespace rc::store
