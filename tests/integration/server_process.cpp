// See server_process.hpp.
#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "test_store.hpp"

namespace rc::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "rightconv-test-XXXXXX").string();
  path_ = mkdtemp(tmpl.data()) ? tmpl : std::string();
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

ServerProcess::ServerProcess(const TempDir& dir, std::vector<std::string> extra)
    : dir_(dir.path()), db_(dir.file("rightconv.db")), log_file_(dir.file("server.log")), port_file_(dir.file("port")), extra_(std::move(extra)) {
  bool given = false;
  for (std::size_t i = 0; i + 1 < extra_.size(); ++i)
    if (extra_[i] == "--db") {
      db_ = extra_[i + 1];
      given = true;
    }
  if (!given && on_postgresql()) db_ = postgresql_database_for(dir_);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

bool ServerProcess::start() {
  std::filesystem::remove(port_file_);
  std::vector<std::string> args{RC_BINARY, "serve", "--listen", "127.0.0.1:0", "--staff-listen", "127.0.0.1:0", "--console-listen", "127.0.0.1:0",
                                "--port-file", port_file_};
  bool has_db = false;
  for (const auto& a : extra_) has_db = has_db || a == "--db";
  if (!has_db) args.insert(args.end(), {"--db", db_});
  args.insert(args.end(), extra_.begin(), extra_.end());
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 2);
    dup2(fd, 1);
    if (chdir(RC_SOURCE_DIR) != 0) _exit(126);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::ifstream in(port_file_);
    unsigned port = 0, staff_port = 0, console_port = 0;
    if (in >> port >> staff_port >> console_port && port > 0) {
      port_ = static_cast<unsigned short>(port);
      staff_port_ = static_cast<unsigned short>(staff_port);
      console_port_ = static_cast<unsigned short>(console_port);
      if (http_get(port_, "/healthz") == 200) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int ServerProcess::stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::log() const {
  std::ifstream in(log_file_);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

int http_request(unsigned short port, const std::string& target, std::string* body, const std::string& origin, bool upgrade) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  try {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    if (!origin.empty()) req.set(http::field::origin, origin);
    if (upgrade) {
      req.set(http::field::connection, "Upgrade");
      req.set(http::field::upgrade, "websocket");
      req.set(http::field::sec_websocket_version, "13");
      req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;  // a 101 has no body: Beast knows not to wait for one
    http::read(stream, buffer, res);
    if (body) *body = res.body();
    return static_cast<int>(res.result_int());
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

int http_get(unsigned short port, const std::string& target, std::string* body) { return http_request(port, target, body, {}, false); }

int upgrade_status(unsigned short port, const std::string& origin) { return http_request(port, "/v1/chat", nullptr, origin, true); }

}  // namespace rc::test
