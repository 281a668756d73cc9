// Starts the real rightconv server as a child process on a free loopback port with a
// temporary database, waits until /healthz answers, and stops or kills it on request.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace rc::test {

// A fresh temporary directory, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class ServerProcess {
 public:
  // extra: further arguments for `rightconv serve`. The database is dir/rightconv.db unless
  // extra names --db.
  ServerProcess(const TempDir& dir, std::vector<std::string> extra = {});
  ~ServerProcess();

  bool start();                 // false if it did not come up within 15 s (see log())
  int stop(int signal = 15);    // sends the signal and waits; returns the exit status (128+sig if killed)
  bool running() const { return pid_ > 0; }
  unsigned short port() const { return port_; }
  unsigned short staff_port() const { return staff_port_; }
  unsigned short console_port() const { return console_port_; }
  std::string db() const { return db_; }
  std::string log() const;      // what the server wrote to stderr
  pid_t pid() const { return pid_; }

 private:
  std::string dir_, db_, log_file_, port_file_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
  unsigned short port_ = 0, staff_port_ = 0, console_port_ = 0;
};

// A single HTTP GET on loopback; returns the status code (0 on failure) and the body.
int http_get(unsigned short port, const std::string& target, std::string* body = nullptr);
// The status a WebSocket upgrade request to /v1/chat gets (101 when accepted), with an Origin if given.
int upgrade_status(unsigned short port, const std::string& origin = {});

}  // namespace rc::test
