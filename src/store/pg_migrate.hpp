// The PostgreSQL schema: the same tables as SQLite's (src/store/migrations/postgresql/ mirrors
// src/store/migrations/ file by file), applied in order, each in its own transaction, recorded
// in schema_migrations. Several instances starting at once take turns on an advisory lock, so
// each migration runs once.
#pragma once
#include "core/result.hpp"
#include "pg_db.hpp"

namespace rc::store {

struct MigrationReport {
  int version = 0;  // the schema's version now
  int applied = 0;  // how many migrations this call applied
};

// A failing migration is an error naming its file and line; the ones before it stay applied.
Result<MigrationReport> migrate_postgresql(PgDb& db);

// The newest version there is (the last file).
int newest_schema_version();

}  // namespace rc::store
