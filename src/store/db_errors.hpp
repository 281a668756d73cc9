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
// The database could not be reached or could not serve just now (try again later: HTTP 503),
// rather than a statement it refused (a fault: HTTP 500). SQLite: busy, locked, can't open,
// I/O error, disk full; PostgreSQL: SQLSTATE classes 08 (connection), 53 (resources), 57
// (shut down, cancelled), or no SQLSTATE at all (the connection broke before an answer).
bool is_unavailable(const std::exception& e);

}  // namespace rc::store
