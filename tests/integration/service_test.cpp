// Running under systemd: readiness through the notify socket once the server listens, SIGHUP
// reloading the dialogs and content (a bad edit refused, the running version kept), and log
// lines for journald when stderr is the journal's stream.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "db_reader.hpp"
#include "server_process.hpp"
#include "test_store.hpp"
#include "ws_client.hpp"

using namespace rc::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The socket systemd listens on for sd_notify messages, as NOTIFY_SOCKET names it.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);  // the server started next inherits it
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd_);
  }
  // The next message, or "" if none came within `ms`.
  std::string next(int ms = 30000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms) != 1) return {};
    char buf[4096];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  // Messages until one contains `what` (which is returned), or "" after `ms` without it.
  std::string until(const std::string& what, std::vector<std::string>* seen = nullptr) {
    for (int i = 0; i < 20; ++i) {
      std::string m = next();
      if (m.empty()) return {};
      if (seen) seen->push_back(m);
      if (m.find(what) != std::string::npos) return m;
    }
    return {};
  }

 private:
  std::string path_;
  int fd_ = -1;
};

json start_msg() { return {{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}}; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The dialogs and content in a folder of the test's own, so it can edit them.
void copy_guidance(const TempDir& dir) {
  fs::copy(std::string(RC_SOURCE_DIR) + "/dialogs", dir.file("dialogs"), fs::copy_options::recursive);
  fs::copy(std::string(RC_SOURCE_DIR) + "/content", dir.file("content"), fs::copy_options::recursive);
}

void replace_in(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = read_file(path);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("under systemd: ready once listening, and SIGHUP reloads the guidance only when it checks out") {
  TempDir dir;
  copy_guidance(dir);
  NotifySocket notify(dir.file("notify"));
  ServerProcess server(dir, {"--dialogs", dir.file("dialogs"), "--content", dir.file("content")});
  REQUIRE(server.start());
  const std::string ready = notify.until("READY=1");
  CHECK(ready.find("STATUS=serving") != std::string::npos);
  CHECK(http_get(server.port(), "/healthz") == 200);  // listening before it said so

  WsClient before(server.port());
  auto started = before.request(start_msg(), 5000);
  REQUIRE_FALSE(started.empty());
  const std::string first_version = started[0]["version"];

  // A broken edit: refused with its file and line, the running version kept.
  const std::string dialog = dir.file("dialogs/early-help.yaml");
  const std::string good_text = read_file(dialog);
  // The shipped version, whatever it is: the edits below raise it.
  const std::string key = "\nversion: \"";
  const auto version_at = good_text.find(key);
  REQUIRE(version_at != std::string::npos);
  const auto from = version_at + key.size();
  const std::string version = good_text.substr(from, good_text.find('"', from) - from);
  const std::string raised_version = version + ".1";
  const std::string version_line = "version: \"" + version + "\"", raised = "version: \"" + raised_version + "\"";
  replace_in(dialog, version_line, raised + "\n  this line: [is not valid");
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  std::vector<std::string> seen;
  REQUIRE_FALSE(notify.until("READY=1", &seen).empty());
  CHECK(seen.front().find("RELOADING=1") != std::string::npos);
  CHECK(seen.back().find("reload refused") != std::string::npos);
  CHECK(server.log().find("reload refused") != std::string::npos);
  CHECK(server.log().find("error reload refused: ") != std::string::npos);
  CHECK(server.log().find("early-help.yaml:") != std::string::npos);  // where the problem is
  {
    WsClient c(server.port());
    auto s = c.request(start_msg(), 5000);
    REQUIRE_FALSE(s.empty());
    CHECK(s[0]["version"] == first_version);
  }

  // A good edit: new conversations get it; the one under way finishes on its own version.
  std::ofstream(dialog, std::ios::trunc) << good_text;
  replace_in(dialog, version_line, raised);
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  seen.clear();
  REQUIRE_FALSE(notify.until("READY=1", &seen).empty());
  CHECK(seen.back().find("reloaded") != std::string::npos);
  CHECK(server.log().find("reloaded the dialogs and content: early-help " + raised_version) != std::string::npos);
  WsClient after(server.port());
  auto s = after.request(start_msg(), 5000);
  REQUIRE_FALSE(s.empty());
  const std::string second_version = s[0]["version"];
  CHECK(second_version != first_version);
  auto answered = before.request({{"type", "answer"}, {"node", "danger"}, {"option", "no"}}, 5000);
  REQUIRE_FALSE(answered.empty());
  CHECK(answered.back()["type"] == "prompt");
  CHECK(answered.back()["node"] == "harm");
  // A practitioner whose connection dropped resumes on the version they began on, too.
  {
    WsClient again(server.port());
    auto resumed = again.request({{"type", "resume"}, {"conversation", started[0]["conversation"]}, {"token", started[0]["token"]}}, 5000);
    REQUIRE_FALSE(resumed.empty());
    CHECK(resumed[0]["type"] == "resumed");
    CHECK(resumed[0]["version"] == first_version);
    CHECK(resumed.back()["node"] == "harm");
  }
  // Review and replay can show the tree each conversation ran on.
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM dialog_versions WHERE dialog_id = 'early-help' AND version IN ('" + first_version + "', '" +
                                second_version + "')") == "2");

  // A content-only edit (the dialog as it was): conversations under way on that dialog get it
  // from their next message; the one still on the older dialog keeps the content it began with.
  replace_in(dir.file("content/guidance.yaml"), "title: Think Family, Work Family", "title: Think Family, Work Family (reviewed)");
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  seen.clear();
  REQUIRE_FALSE(notify.until("READY=1", &seen).empty());
  CHECK(seen.back().find("reloaded") != std::string::npos);
  auto walk_to_outcome = [](WsClient& c, std::vector<std::pair<std::string, std::string>> steps) {
    std::vector<json> last;
    for (const auto& [node, option] : steps) last = c.request({{"type", "answer"}, {"node", node}, {"option", option}}, 5000);
    return last.empty() ? std::string() : last.back().dump();
  };
  const std::string newer = walk_to_outcome(after, {{"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"},
                                                    {"step_down", "no"}, {"needs", "universal"}});
  CHECK(newer.find("\"outcome\":\"universal_signpost\"") != std::string::npos);
  CHECK(newer.find("Think Family, Work Family (reviewed)") != std::string::npos);
  const std::string older = walk_to_outcome(before, {{"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"},
                                                     {"needs", "universal"}});
  CHECK(older.find("\"outcome\":\"universal_signpost\"") != std::string::npos);
  CHECK(older.find("Think Family, Work Family") != std::string::npos);
  CHECK(older.find("(reviewed)") == std::string::npos);

  // A dialog removed: refused (pages start it by id), still served.
  fs::rename(dialog, dir.file("early-help.yaml.away"));
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  REQUIRE_FALSE(notify.until("READY=1").empty());
  CHECK(server.log().find("dialog \"early-help\" is gone") != std::string::npos);
  WsClient last(server.port());
  auto still = last.request(start_msg(), 5000);
  REQUIRE_FALSE(still.empty());
  CHECK(still[0]["version"] == second_version);

  CHECK(server.stop() == 0);
  CHECK_FALSE(notify.until("STOPPING=1").empty());
}

TEST_CASE("log lines carry a syslog priority and no timestamp when stderr is the journal's stream, and only then") {
  TempDir dir;
  // systemd names the journal's stream by device and inode: the server's stderr is this file.
  std::ofstream(dir.file("server.log")).flush();
  struct stat st {};
  REQUIRE(::stat(dir.file("server.log").c_str(), &st) == 0);
  ::setenv("JOURNAL_STREAM", (std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)).c_str(), 1);
  ServerProcess server(dir);
  const bool started = server.start();
  ::unsetenv("JOURNAL_STREAM");
  REQUIRE(started);
  server.stop();
  std::istringstream log(server.log());
  int lines = 0;
  for (std::string line; std::getline(log, line); ++lines) {
    INFO(line);
    CHECK((line.size() > 3 && line[0] == '<' && std::isdigit(static_cast<unsigned char>(line[1])) && line[2] == '>'));
    CHECK(std::isalpha(static_cast<unsigned char>(line[3])));  // the level comes next: no timestamp of its own
  }
  CHECK(lines >= 2);
  CHECK(server.log().find("<6>info rightconv listening on") != std::string::npos);
  CHECK(server.log().find("<6>info stopped cleanly") != std::string::npos);

  // A stream that is not stderr (a child of a service, its stderr elsewhere): the usual lines.
  TempDir other;
  ::setenv("JOURNAL_STREAM", "1:1", 1);
  ServerProcess plain(other);
  const bool plain_started = plain.start();
  ::unsetenv("JOURNAL_STREAM");
  REQUIRE(plain_started);
  plain.stop();
  CHECK(plain.log().rfind("<", 0) != 0);
  CHECK(plain.log().find(" info rightconv listening on") != std::string::npos);
}
