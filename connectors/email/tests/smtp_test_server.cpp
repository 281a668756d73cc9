// See smtp_test_server.hpp. fork/exec rather than system(): the server must keep running while
// the test sends, and its pid is needed to stop it.
#include "smtp_test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace rc::test {

namespace {

namespace fs = std::filesystem;

// Debian's python3-aiosmtpd is installed for the system Python, which a pyenv or venv earlier
// on PATH would hide.
constexpr const char* kPython = "/usr/bin/python3";

std::string script_path() { return std::string(RC_SOURCE_DIR) + "/connectors/email/tests/smtp_test_server.py"; }

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<char*> argv_of(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  return argv;
}

// Forks and runs `args`, its stderr (and stdout when `stdout_fd` < 0) appended to `log`. The
// child dies with the test process, so a crashed test leaves no server behind. Everything the
// child needs is prepared before fork: between fork and exec only async-signal-safe calls.
pid_t spawn(const std::vector<std::string>& args, int stdout_fd, const std::string& log) {
  std::vector<char*> argv = argv_of(args);
  const char* log_path = log.c_str();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  const int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  dup2(stdout_fd >= 0 ? stdout_fd : log_fd, 1);
  dup2(log_fd, 2);
  execvp(argv[0], argv.data());
  _exit(127);
}

void run_to_end(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = spawn(args, -1, log);
  if (pid < 0) throw std::runtime_error("fork failed");
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(args[0] + " failed: " + read_file(log));
}

// A throwaway certificate for 127.0.0.1 and localhost. An EC key: made in milliseconds, where
// an RSA key can take a second.
void make_certificate(const std::string& dir, const std::string& cert, const std::string& key) {
  run_to_end({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
              "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert},
             dir + "/openssl.log");
}

// The "PORT <n>" line the server prints once it listens; 0 if it exits or stays silent.
int read_port(int fd) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[256];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  return line.rfind("PORT ", 0) == 0 ? std::atoi(line.c_str() + 5) : 0;
}

bool accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

void wait_until_accepts(int port) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts(port)) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the SMTP test server does not accept connections");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void stop(pid_t pid) {
  kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

int bound_socket(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("cannot bind a socket on 127.0.0.1");
  *port = ntohs(a.sin_port);
  return fd;
}

}  // namespace

ScratchDir::ScratchDir() {
  char tmpl[] = "/tmp/rc-email-test-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

SmtpTestServer::SmtpTestServer(SmtpServerOptions options)
    : cert_(dir_.path() + "/cert.pem"), key_(dir_.path() + "/key.pem"), out_(dir_.path() + "/received") {
  fs::create_directory(out_);
  std::vector<std::string> args{kPython, script_path(), "--out", out_, "--user", kUser, "--password", kPassword, "--data-reply", options.data_reply};
  if (options.starttls) {
    make_certificate(dir_.path(), cert_, key_);
    args.insert(args.end(), {"--cert", cert_, "--key", key_});
  }
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::string log = dir_.path() + "/server.log";
  pid_ = spawn(args, out_pipe[1], log);
  close(out_pipe[1]);
  port_ = pid_ > 0 ? read_port(out_pipe[0]) : 0;
  close(out_pipe[0]);
  if (port_ == 0) {
    if (pid_ > 0) stop(pid_);
    throw std::runtime_error("the SMTP test server did not start (needs python3-aiosmtpd): " + read_file(log));
  }
  try {
    wait_until_accepts(port_);
  } catch (...) {
    stop(pid_);
    throw;
  }
}

SmtpTestServer::~SmtpTestServer() {
  if (pid_ > 0) stop(pid_);
}

std::vector<nlohmann::json> SmtpTestServer::received() const {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(out_))
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  std::vector<nlohmann::json> out;
  for (const auto& f : files) out.push_back(nlohmann::json::parse(read_file(f)));
  return out;
}

int closed_port() {
  int port = 0;
  close(bound_socket(&port));
  return port;
}

SilentListener::SilentListener() {
  fd_ = bound_socket(&port_);
  if (listen(fd_, 16) != 0) throw std::runtime_error("listen failed");
}

SilentListener::~SilentListener() { close(fd_); }

}  // namespace rc::test
