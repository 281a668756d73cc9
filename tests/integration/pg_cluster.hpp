// A throw-away PostgreSQL cluster for one test: initdb in a temporary folder, pg_ctl on a free
// loopback port, removed at the end. Nothing must already be running. PostgreSQL refuses to run
// as root, so under root (as in CI) the cluster runs as the `postgres` user the package made.
// Over TCP it asks for a password (SCRAM), as a real deployment would; the Unix socket in the
// folder trusts its owner, for the test's own checks with psql.
#pragma once
#include <string>

namespace rc::test {

class PgCluster {
 public:
  static constexpr const char* kUser = "rightconv";
  static constexpr const char* kPassword = "pg-test-secret-7f3a";

  PgCluster();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  bool start();  // false if it did not come up (see log())
  bool start_with_database(const std::string& name);  // start(), then CREATE DATABASE name
  void stop();   // immediate: as a crash would
  // Instead of initdb: a streaming-replication standby of `primary` (pg_basebackup over the
  // primary's Unix socket), started read-only. false if it did not come up (see log()).
  bool start_standby_of(const PgCluster& primary);
  bool promote();  // the standby becomes a primary that takes writes
  unsigned short port() const { return port_; }
  // postgresql://rightconv@127.0.0.1:PORT/NAME: no password in it, as rightconv requires.
  std::string url(const std::string& database = "postgres") const;
  // Runs SQL with psql over the Unix socket; the rows, one per line, columns split by '|'.
  std::string psql(const std::string& sql, const std::string& database = "postgres") const;
  std::string log() const;
  const std::string& folder() const { return dir_; }

 private:
  std::string dir_;
  unsigned short port_ = 0;
  bool running_ = false;
};

// Where Debian puts the server's programs (RIGHTCONV_PG_BIN overrides).
std::string pg_bin(const std::string& program);

}  // namespace rc::test
