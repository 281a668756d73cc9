// A real SMTP server for the tests: smtp_test_server.py (aiosmtpd) as a child process on
// 127.0.0.1, with a self-signed certificate made for this test by openssl, STARTTLS and AUTH
// required. Stopped (and its temporary folder removed) when the object goes, even when a
// check failed; if the test process dies, the kernel kills the child too.
#pragma once
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rc::test {

// A folder under /tmp, removed with everything in it when the object goes.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct SmtpServerOptions {
  bool starttls = true;           // false: no STARTTLS offered (AUTH then allowed in clear)
  std::string data_reply = "250 OK";
};

class SmtpTestServer {
 public:
  static constexpr const char* kUser = "rightconv";
  static constexpr const char* kPassword = "correct horse battery staple";

  explicit SmtpTestServer(SmtpServerOptions options = {});  // returns once the port accepts; throws if it cannot start
  ~SmtpTestServer();
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  const std::string& ca_file() const { return cert_; }  // the server's own self-signed certificate
  // Every message the server was given, in order (accepted or not: see "accepted").
  std::vector<nlohmann::json> received() const;

 private:
  ScratchDir dir_;
  std::string cert_, key_, out_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int closed_port();

// A socket that accepts connections into its backlog but never says a word: an SMTP server
// that hangs before its greeting.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace rc::test
