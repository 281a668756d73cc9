// See pg_migrate.hpp.
#include "pg_migrate.hpp"

#include <algorithm>
#include <string>

#include "migrations.hpp"

namespace rc::store {

namespace {

// Any fixed number: the one lock all rightconv instances agree on for schema changes.
constexpr const char* kLockMigrations = "SELECT pg_advisory_xact_lock(7311001)";

int line_of(std::string_view sql, int position) {
  if (position <= 0) return 0;
  const auto upto = sql.substr(0, std::min<std::size_t>(static_cast<std::size_t>(position - 1), sql.size()));
  return 1 + static_cast<int>(std::count(upto.begin(), upto.end(), '\n'));
}

void rollback_quietly(PgDb& db) {
  try {
    db.exec("ROLLBACK");
  } catch (const PgError&) {  // the connection itself failed: the error already says so
  }
}

int applied_version(PgDb& db) {
  auto rows = db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return static_cast<int>(rows.integer(0, 0));
}

}  // namespace

int newest_schema_version() {
  const auto& all = postgresql_migrations();
  return all.empty() ? 0 : all.back().version;
}

Result<MigrationReport> migrate_postgresql(PgDb& db) {
  MigrationReport report;
  try {
    db.exec(std::string("BEGIN; ") + kLockMigrations + "; "
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL); COMMIT");
  } catch (const PgError& e) {
    rollback_quietly(db);
    return make_error(std::string("cannot create schema_migrations: ") + e.what());
  }
  for (const auto& m : postgresql_migrations()) {
    try {
      db.exec(std::string("BEGIN; ") + kLockMigrations);
      if (applied_version(db) >= m.version) {  // another instance applied it while this one waited
        db.exec("COMMIT");
        continue;
      }
      db.exec(std::string(m.sql));
      db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT)",
               {std::to_string(m.version), std::string(m.name)});
      db.exec("COMMIT");
      ++report.applied;
    } catch (const PgError& e) {
      rollback_quietly(db);
      return make_error(e.what(), "src/store/migrations/postgresql/" + std::string(m.name), line_of(m.sql, e.position));
    }
  }
  report.version = applied_version(db);
  return report;
}

}  // namespace rc::store
