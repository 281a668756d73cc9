// The Debian package, end to end on this machine: built with CPack from this build, installed
// with apt-get, checked (conffile, user, folders, systemd units and their exposure score), run
// as its own user on its installed defaults for a conversation and a backup, then purged.
// Changes the system, so it needs root (CI runs as root) and runs in the normal build only.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "db_reader.hpp"
#include "process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

using namespace rc::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

ProcessResult sh(const std::string& command) { return run_process("/bin/sh", {"-c", command}); }

// The installed server, started as the service would be: its user, its config, its folder.
class InstalledServer {
 public:
  explicit InstalledServer(const std::string& port_file) {
    pid_ = fork();
    if (pid_ == 0) {
      if (chdir("/var/lib/rightconv") != 0) _exit(126);
      const int log = ::open("/var/lib/rightconv/test-server.log", O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (log >= 0) dup2(log, 2);
      // As systemd's User= and Group= do: the service's own ids, no supplementary groups.
      const passwd* user = getpwnam("rightconv");
      if (!user || setgroups(0, nullptr) != 0 || setgid(user->pw_gid) != 0 || setuid(user->pw_uid) != 0) _exit(126);
      execl("/usr/bin/rightconv", "rightconv", "serve", "--config", "/etc/rightconv/rightconv.json",
            "--listen", "127.0.0.1:0", "--staff-listen", "127.0.0.1:0", "--console-listen", "127.0.0.1:0", "--port-file", port_file.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~InstalledServer() { stop(); }
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

// Whatever happens to the test, the package, its user and its folders go again. Only ever
// cleans up what the test itself installed: it refuses to start on a machine that has rightconv.
struct Uninstall {
  ~Uninstall() {
    sh("DEBIAN_FRONTEND=noninteractive apt-get purge -y -o DPkg::Lock::Timeout=300 rightconv >/dev/null 2>&1");
    std::error_code ec;
    fs::remove_all("/var/lib/rightconv", ec);
    fs::remove_all("/var/backups/rightconv", ec);
    sh("deluser --quiet --system rightconv >/dev/null 2>&1");
  }
};

unsigned short wait_for_port(const std::string& port_file) {
  for (int i = 0; i < 3000; ++i) {
    std::ifstream in(port_file);
    unsigned short port = 0;
    if (in >> port && port) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

}  // namespace

TEST_CASE("the Debian package installs, runs a conversation as its own user on its defaults, backs up, and purges") {
  REQUIRE_MESSAGE(::geteuid() == 0, "installing a package needs root: run the tests as root (as CI does)");
  // Never on a machine where rightconv is installed or has left data: the test removes both.
  REQUIRE_MESSAGE(sh("dpkg-query -W -f='${Status}' rightconv 2>/dev/null | grep -q 'install ok'").exit_code != 0,
                  "rightconv is installed on this machine: this test installs and purges it, so it will not run here");
  REQUIRE_MESSAGE(!fs::exists("/var/lib/rightconv"), "/var/lib/rightconv exists: this test would remove it, so it will not run here");
  REQUIRE_MESSAGE(!fs::exists("/var/backups/rightconv"), "/var/backups/rightconv exists: this test would remove it, so it will not run here");
  TempDir dir;
  auto built = run_process(RC_CPACK, {"-G", "DEB", "-B", dir.path(), "--config", std::string(RC_BUILD_DIR) + "/CPackConfig.cmake"});
  INFO(built.out << built.err);
  REQUIRE(built.exit_code == 0);
  std::string deb;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().extension() == ".deb") deb = e.path().string();
  REQUIRE_FALSE(deb.empty());

  // Declares the runtime libraries, never the -dev packages.
  auto depends = run_process("/usr/bin/dpkg-deb", {"-f", deb, "Depends"});
  CHECK(depends.out.find("libsqlite3-0") != std::string::npos);
  CHECK(depends.out.find("hunspell-en-gb") != std::string::npos);
  CHECK(depends.out.find("-dev") == std::string::npos);

  Uninstall uninstall;
  auto installed = sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=300 " + deb + " 2>&1");
  INFO(installed.out);
  REQUIRE(installed.exit_code == 0);
  // Where systemd runs, the package started the service: the test runs its own server instead.
  if (fs::exists("/run/systemd/system")) sh("systemctl stop rightconv.service rightconv-backup.timer");
  // Enabled as dh_installsystemd would (the links are made whether or not systemd runs here).
  CHECK(fs::is_symlink("/etc/systemd/system/multi-user.target.wants/rightconv.service"));
  CHECK(fs::is_symlink("/etc/systemd/system/timers.target.wants/rightconv-backup.timer"));

  CHECK(sh("dpkg-query -W -f='${Conffiles}' rightconv").out.find("/etc/rightconv/rightconv.json") != std::string::npos);
  REQUIRE(getpwnam("rightconv") != nullptr);
  struct stat st {};
  REQUIRE(::stat("/var/lib/rightconv", &st) == 0);
  CHECK(st.st_uid == getpwnam("rightconv")->pw_uid);
  CHECK((st.st_mode & 0777) == 0750);
  CHECK(fs::exists("/usr/share/rightconv/prometheus/rules.yml"));
  CHECK(fs::exists("/usr/share/rightconv/nginx/rightconv.conf"));

  // Installed, it finds its dialogs and content from anywhere (here from /).
  auto check = sh("cd / && /usr/bin/rightconv check");
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("/usr/share/rightconv/content/") != std::string::npos);

  // The units are valid, and the service's sandbox scores under 2.0 (lower is better).
  auto verify = sh("systemd-analyze verify /usr/lib/systemd/system/rightconv.service /usr/lib/systemd/system/rightconv-backup.service "
                   "/usr/lib/systemd/system/rightconv-backup.timer 2>&1");
  INFO(verify.out);
  CHECK(verify.exit_code == 0);
  auto security = sh("systemd-analyze security --offline=true /usr/lib/systemd/system/rightconv.service 2>&1 | tail -1");
  INFO(security.out);
  const std::string label = "exposure level for rightconv.service: ";
  const auto at = security.out.find(label);
  REQUIRE(at != std::string::npos);
  const double score = std::stod(security.out.substr(at + label.size()));
  MESSAGE("systemd-analyze security: " << score);
  CHECK(score < 2.0);

  {
    const std::string port_file = "/var/lib/rightconv/test-port";
    fs::remove(port_file);
    InstalledServer server(port_file);
    const unsigned short port = wait_for_port(port_file);
    REQUIRE(port != 0);
    WsClient c(port);
    auto s = c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}}, 10000);
    REQUIRE_FALSE(s.empty());
    for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{{"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"},
                                                                                      {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "universal"}}) {
      auto r = c.request({{"type", "answer"}, {"node", node}, {"option", option}}, 10000);
      REQUIRE_FALSE(r.empty());
      s = r;
    }
    CHECK(s.back()["type"] == "outcome");
    CHECK(server.stop() == 0);
  }
  // Its database is where the package says, the service user's, and holds the conversation.
  REQUIRE(::stat("/var/lib/rightconv/rightconv.db", &st) == 0);
  CHECK(st.st_uid == getpwnam("rightconv")->pw_uid);
  CHECK((st.st_mode & 0007) == 0);
  CHECK(scalar("/var/lib/rightconv/rightconv.db", "SELECT COUNT(*) FROM conversations WHERE status = 'completed'") == "1");

  // The backup timer's command, as the service user.
  auto backup = sh("cd /var/lib/rightconv && runuser -u rightconv -- /usr/bin/rightconv backup --config /etc/rightconv/rightconv.json "
                   "--to-dir /var/backups/rightconv --keep-days 7 2>&1");
  INFO(backup.out);
  CHECK(backup.exit_code == 0);
  auto verified = sh("/usr/bin/rightconv verify-backup /var/backups/rightconv/rightconv-*.db 2>&1");
  INFO(verified.out);
  CHECK(verified.exit_code == 0);

  // Purged: the program and its config go; the records stay for the data controller to decide.
  auto purged = sh("DEBIAN_FRONTEND=noninteractive apt-get purge -y -o DPkg::Lock::Timeout=300 rightconv 2>&1");
  INFO(purged.out);
  CHECK(purged.exit_code == 0);
  CHECK_FALSE(fs::exists("/usr/bin/rightconv"));
  CHECK_FALSE(fs::exists("/etc/rightconv"));
  CHECK(fs::exists("/var/lib/rightconv/rightconv.db"));
  CHECK(purged.out.find("were kept") != std::string::npos);
  CHECK_FALSE(fs::exists(fs::symlink_status("/etc/systemd/system/multi-user.target.wants/rightconv.service")));
}
