// Moves a deployment from its SQLite file to PostgreSQL without losing a row: every table in
// the order its foreign keys need, in one PostgreSQL transaction, into a database that holds
// no rows yet. Before committing, each table's row count and a digest of its rows (an order-
// independent sum of a hash of each row's values) are compared on both sides; a difference
// rolls the whole copy back. Triggers stay off while rows are copied: the rows they would
// derive (conversation_hubs) are copied as they are.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "pg_db.hpp"
#include "sqlite_db.hpp"

namespace rc::store {

struct TableCopied {
  std::string table;
  std::int64_t rows = 0;
  std::string digest;  // hex, the same on both sides
};

// Both schemas must be at the newest migration (migrate them first).
Result<std::vector<TableCopied>> copy_to_postgresql(SqliteDb& from, PgDb& to);

// Tables of the SQLite schema, each after the tables its foreign keys name.
std::vector<std::string> tables_in_dependency_order(SqliteDb& db);

}  // namespace rc::store
