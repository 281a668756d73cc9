// rightconv on a throw-away PostgreSQL cluster, for tests: the cluster, a database, a config
// with the password in a file (never the command line), and one or two instances serving it.
#pragma once
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "handoff_support.hpp"
#include "pg_cluster.hpp"
#include "process.hpp"
#include "server_process.hpp"

namespace rc::test {

// A server's settings: the cluster's database, with its password in a file (never the command line).
struct PgServe {
  PgCluster pg;
  TempDir dir;
  std::string url, config;

  explicit PgServe(json settings = json::object()) {
    REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
    url = pg.url("rc");
    const std::string password = dir.file("db-password");
    std::ofstream(password) << PgCluster::kPassword << "\n";
    settings["db_password_file"] = password;
    config = write_config(dir, settings);
  }
  std::vector<std::string> serve_args() const { return {"--db", url, "--config", config}; }
  std::string staff(const std::string& id, const std::string& role) const {
    auto r = run_process(RC_BINARY, {"staff", "add", id, "--role", role, "--name", id + " (test)", "--db", url, "--config", config});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  }
  std::string sql(const std::string& select) const { return pg.psql(select, "rc"); }
};

// One instance on it, started.
struct OneInstance : PgServe {
  ServerProcess server{dir, serve_args()};
  explicit OneInstance(json settings = json::object()) : PgServe(std::move(settings)) { REQUIRE_MESSAGE(server.start(), server.log()); }
};

// Two instances on the one database.
struct TwoInstances : PgServe {
  TempDir other;
  ServerProcess a{dir, serve_args()}, b{other, serve_args()};
  explicit TwoInstances(json settings = json::object()) : PgServe(std::move(settings)) {
    REQUIRE_MESSAGE(a.start(), a.log());
    REQUIRE_MESSAGE(b.start(), b.log());
  }
};

}  // namespace rc::test
