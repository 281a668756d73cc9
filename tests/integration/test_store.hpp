// Which store the integration suite runs on. By default each server gets an SQLite file in its
// folder. When RIGHTCONV_TEST_PG names the folder of a running shared cluster
// (scripts/test-postgresql-cluster.sh; ctest's "pg: " tests), each server folder gets a
// PostgreSQL database of its own instead, and the same tests run against it.
#pragma once
#include <string>
#include <vector>

namespace rc::test {

bool on_postgresql();
// The database for a server folder (made on first use, kept for a restart in the same folder).
std::string postgresql_database_for(const std::string& folder);
// Runs statements on a postgresql:// URL from postgresql_database_for; false if one failed.
bool postgresql_execute(const std::string& url, const std::string& sql);
// Rows of a query on a postgresql:// URL from postgresql_database_for, columns as text (NULL as "NULL").
std::vector<std::vector<std::string>> postgresql_query(const std::string& url, const std::string& sql);

}  // namespace rc::test

// For a test that starts its own PostgreSQL clusters: run once, in the default run.
#define RC_OWN_CLUSTERS()                                                                   \
  if (::rc::test::on_postgresql()) {                                                        \
    MESSAGE("starts its own PostgreSQL clusters: run in the default run, not again here"); \
    return;                                                                                 \
  }

// For a test about SQLite itself (its file, its lock, its WAL): on PostgreSQL it says so and passes.
#define RC_SQLITE_ONLY(why)                                  \
  if (::rc::test::on_postgresql()) {                         \
    MESSAGE("SQLite only (" why "): not run on PostgreSQL"); \
    return;                                                  \
  }
