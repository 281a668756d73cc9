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

}  // namespace rc::store
