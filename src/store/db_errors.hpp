// What a failed statement means, whichever database failed it: the few kinds the store turns
// into answers (a unique value taken, a constraint that said no).
#pragma once
#include <exception>

namespace rc::store {

// A UNIQUE (or primary key) index refused the row: SQLite's SQLITE_CONSTRAINT_UNIQUE or
// _PRIMARYKEY, PostgreSQL's 23505.
bool is_unique_violation(const std::exception& e);
// Any constraint (unique, check, not null, foreign key): SQLITE_CONSTRAINT*, PostgreSQL's class 23.
bool is_constraint_violation(const std::exception& e);

}  // namespace rc::store
