// See pg_cluster.hpp.
#include "pg_cluster.hpp"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "process.hpp"

namespace rc::test {

namespace {

unsigned short free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Under root, runs the program as postgres (initdb and postgres refuse root).
ProcessResult as_cluster_owner(const std::string& program, std::vector<std::string> args) {
  if (::geteuid() != 0) return run_process(program, args);
  args.insert(args.begin(), {"-u", "postgres", "--", program});
  return run_process("/usr/sbin/runuser", args);
}

}  // namespace

std::string pg_bin(const std::string& program) {
  const char* dir = std::getenv("RIGHTCONV_PG_BIN");
  return std::string(dir ? dir : "/usr/lib/postgresql/15/bin") + "/" + program;
}

PgCluster::PgCluster() {
  char pattern[] = "/tmp/rightconv-pg-XXXXXX";
  dir_ = ::mkdtemp(pattern);
  if (::geteuid() == 0) {
    if (const passwd* pw = ::getpwnam("postgres")) (void)!::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid);
  }
}

PgCluster::~PgCluster() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool PgCluster::start() {
  if (!std::filesystem::exists(dir_ + "/data")) {
    std::ofstream(dir_ + "/pw") << kPassword << "\n";
    if (::geteuid() == 0)
      if (const passwd* pw = ::getpwnam("postgres")) (void)!::chown((dir_ + "/pw").c_str(), pw->pw_uid, pw->pw_gid);
    auto init = as_cluster_owner(pg_bin("initdb"), {"-D", dir_ + "/data", "-U", kUser, "--pwfile=" + dir_ + "/pw", "--auth-local=trust",
                                                    "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"});
    if (init.exit_code != 0) {
      std::ofstream(dir_ + "/log", std::ios::app) << "initdb failed:\n" << init.out << init.err;
      return false;
    }
  }
  // A restart comes back on the same port, as a real server would. A first start whose free
  // port was taken meanwhile by another test (the port is free when chosen, not reserved)
  // tries another.
  const bool first = port_ == 0;
  for (int attempt = 0; attempt < (first ? 3 : 1); ++attempt) {
    if (first) port_ = free_port();
    auto started = as_cluster_owner(pg_bin("pg_ctl"), {"-D", dir_ + "/data", "-l", dir_ + "/log", "-w", "-t", "120", "-o",
                                                       "-p " + std::to_string(port_) + " -k " + dir_ + " -c listen_addresses=127.0.0.1", "start"});
    running_ = started.exit_code == 0;
    if (running_) return true;
  }
  return false;
}

bool PgCluster::start_with_database(const std::string& name) {
  if (!start()) return false;
  const std::string made = psql("CREATE DATABASE " + name);
  if (made.empty()) return true;
  std::ofstream(dir_ + "/log", std::ios::app) << "CREATE DATABASE " << name << " failed: " << made << "\n";
  return false;
}

bool PgCluster::start_standby_of(const PgCluster& primary) {
  auto copied = as_cluster_owner(pg_bin("pg_basebackup"), {"-h", primary.dir_, "-p", std::to_string(primary.port_), "-U", kUser, "-D",
                                                           dir_ + "/data", "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast", "--no-sync"});
  if (copied.exit_code != 0) {
    std::ofstream(dir_ + "/log", std::ios::app) << "pg_basebackup failed:\n" << copied.out << copied.err;
    return false;
  }
  return start();
}

bool PgCluster::promote() {
  auto promoted = as_cluster_owner(pg_bin("pg_ctl"), {"-D", dir_ + "/data", "-w", "-t", "120", "promote"});
  if (promoted.exit_code != 0) std::ofstream(dir_ + "/log", std::ios::app) << "pg_ctl promote failed:\n" << promoted.out << promoted.err;
  return promoted.exit_code == 0;
}

void PgCluster::stop() {
  if (!running_) return;
  as_cluster_owner(pg_bin("pg_ctl"), {"-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
  running_ = false;
}

std::string PgCluster::url(const std::string& database) const {
  return std::string("postgresql://") + kUser + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgCluster::psql(const std::string& sql, const std::string& database) const {
  auto r = run_process("/usr/bin/psql", {"-h", dir_, "-p", std::to_string(port_), "-U", kUser, "-d", database, "-X", "-A", "-t", "-q",
                                         "-v", "ON_ERROR_STOP=1", "-c", sql});
  std::string out = r.out;
  if (r.exit_code != 0) out += "psql failed: " + r.err;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string PgCluster::log() const {
  std::ifstream in(dir_ + "/log");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace rc::test
