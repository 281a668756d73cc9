// Backup and restore of the SQLite database: a backup taken while the server runs under load
// holds every answer acknowledged before it started; restore puts it back and a server runs on
// it; verify-backup finds damage; restore refuses a running server's database.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "db_reader.hpp"
#include "process.hpp"
#include "server_process.hpp"
#include "test_store.hpp"
#include "ws_client.hpp"

using namespace rc::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string bin = RC_BINARY;

// A path through the early-help dialog, as (node, option); "text:" answers the free-text node.
const std::vector<std::pair<std::string, std::string>> kPath = {
    {"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "multi"}, {"hub_notes", "text:none"}, {"area", "east"}};

json step_msg(const std::pair<std::string, std::string>& s) {
  if (s.second.rfind("text:", 0) == 0) return {{"type", "answer"}, {"node", s.first}, {"text", s.second.substr(5)}};
  return {{"type", "answer"}, {"node", s.first}, {"option", s.second}};
}

// Practitioners answering as fast as the server lets them, counting what was acknowledged.
class Load {
 public:
  explicit Load(unsigned short port) {
    for (int t = 0; t < 6; ++t) threads_.emplace_back([this, port] { run(port); });
  }
  ~Load() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  int total() const { return total_; }
  std::map<std::string, int> acknowledged() {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }

 private:
  // A slow reply (a busy machine, the sanitizers) starts a new connection rather than ending the load.
  void run(unsigned short port) {
    while (!stop_) converse(port);
  }
  void converse(unsigned short port) {
    WsClient c(port);
    while (!stop_) {
      auto s = c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}}, 30000);
      if (s.empty()) return;
      const std::string id = s[0]["conversation"];
      {
        std::lock_guard lock(mutex_);
        acknowledged_[id] = 1;  // the start is a stored client message too
      }
      for (const auto& step : kPath) {
        if (c.request(step_msg(step), 30000).empty()) return;
        std::lock_guard lock(mutex_);
        acknowledged_[id]++;
        total_++;
      }
    }
  }
  std::mutex mutex_;
  std::map<std::string, int> acknowledged_;  // conversation -> client messages acknowledged
  std::atomic<bool> stop_{false};
  std::atomic<int> total_{0};
  std::vector<std::thread> threads_;
};

// No deadline of its own: CTest's timeout is the one limit, so a slow machine only waits longer.
void wait_for(const std::function<bool()>& done) {
  while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

std::map<std::string, int> stored_answers(const std::string& db) {
  std::map<std::string, int> stored;
  for (const auto& row : query(db, "SELECT conversation_id, COUNT(*) FROM turns WHERE direction = 'in' GROUP BY conversation_id"))
    stored[row[0]] = std::stoi(row[1]);
  return stored;
}

int missing_answers(const std::map<std::string, int>& acknowledged, const std::map<std::string, int>& stored) {
  int missing = 0;
  for (const auto& [id, count] : acknowledged) {
    const auto it = stored.find(id);
    missing += std::max(0, count - (it == stored.end() ? 0 : it->second));
  }
  return missing;
}

}  // namespace

TEST_CASE("a backup taken under load holds every answer acknowledged before it, and restores into a working server") {
  RC_SQLITE_ONLY("the backup command copies the SQLite file");
  TempDir dir;
  std::ofstream(dir.file("fast.json")) << R"({"limits": {"max_messages_per_second": 100000, "burst_messages": 100000}})";
  ServerProcess server(dir, {"--config", dir.file("fast.json")});
  REQUIRE(server.start());
  Load load(server.port());
  wait_for([&] { return load.total() >= 300; });
  REQUIRE(load.total() >= 300);

  const auto before = load.acknowledged();  // acknowledged before the backup began
  const std::string backup = dir.file("nightly.db");
  auto made = run_process(bin, {"backup", "--db", server.db(), "--to", backup});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);
  CHECK(made.out.find("backed up") != std::string::npos);
  const int at_backup = load.total();
  wait_for([&] { return load.total() >= at_backup + 100; });  // the server kept answering
  CHECK(load.total() >= at_backup + 100);
  load.stop();
  CHECK(server.stop(SIGKILL) == 128 + SIGKILL);

  // One self-contained file, owner-only, that checks out.
  CHECK_FALSE(fs::exists(backup + "-wal"));
  CHECK((fs::status(backup).permissions() & (fs::perms::others_all | fs::perms::group_write)) == fs::perms::none);
  auto verified = run_process(bin, {"verify-backup", backup});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(verified.out.find("usable backup") != std::string::npos);

  const std::string restored = dir.file("restored.db");
  auto put_back = run_process(bin, {"restore", "--from", backup, "--db", restored});
  INFO(put_back.out << put_back.err);
  REQUIRE(put_back.exit_code == 0);
  const auto stored = stored_answers(restored);
  MESSAGE(before.size() << " conversations acknowledged before the backup; " << stored.size() << " in the restored file");
  CHECK(missing_answers(before, stored) == 0);
  CHECK(stored.size() >= before.size());
  // Both copies are on the audit log (the backup read every conversation).
  CHECK(scalar(restored, "SELECT COUNT(*) FROM audit WHERE action = 'backup'") == "1");
  CHECK(scalar(restored, "SELECT COUNT(*) FROM audit WHERE action = 'restore'") == "1");
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM audit WHERE action = 'backup'") == "1");

  // A server runs on the restored file, and a practitioner can carry on.
  ServerProcess again(dir, {"--db", restored});
  REQUIRE(again.start());
  WsClient c(again.port());
  auto s = c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}}, 5000);
  REQUIRE_FALSE(s.empty());
  CHECK(s.back()["type"] == "prompt");
}

TEST_CASE("restore refuses a running server's database and an existing one without --replace, and leaves them as they were") {
  RC_SQLITE_ONLY("the restore command replaces the SQLite file");
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  {
    WsClient c(server.port());
    REQUIRE_FALSE(c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}}, 5000).empty());
  }
  const std::string backup = dir.file("b.db");
  REQUIRE(run_process(bin, {"backup", "--db", server.db(), "--to", backup}).exit_code == 0);
  auto again = run_process(bin, {"backup", "--db", server.db(), "--to", backup});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("already exists") != std::string::npos);

  auto running = run_process(bin, {"restore", "--from", backup, "--db", server.db(), "--replace"});
  CHECK(running.exit_code == 1);
  CHECK(running.err.find("a server is running") != std::string::npos);
  {
    WsClient c(server.port());  // untouched: still serving
    REQUIRE_FALSE(c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}}, 5000).empty());
  }
  REQUIRE(server.stop() == 0);
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM conversations") == "2");

  auto exists = run_process(bin, {"restore", "--from", backup, "--db", server.db()});
  CHECK(exists.exit_code == 1);
  CHECK(exists.err.find("--replace") != std::string::npos);
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM conversations") == "2");

  auto replaced = run_process(bin, {"restore", "--from", backup, "--db", server.db(), "--replace"});
  INFO(replaced.out << replaced.err);
  CHECK(replaced.exit_code == 0);
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM conversations") == "1");  // as it was at the backup
  CHECK_FALSE(fs::exists(server.db() + ".restoring"));
  // The database it replaced is kept whole, to be moved back if this was the wrong file.
  std::string kept;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().rfind("rightconv.db.replaced-", 0) == 0 && e.path().extension() != ".db-wal" &&
        e.path().string().find("-wal") == std::string::npos && e.path().string().find("-shm") == std::string::npos)
      kept = e.path().string();
  REQUIRE_FALSE(kept.empty());
  CHECK(replaced.out.find("kept as " + kept) != std::string::npos);
  CHECK(scalar(kept, "SELECT COUNT(*) FROM conversations") == "2");
  CHECK((fs::status(kept).permissions() & fs::perms::others_all) == fs::perms::none);

  auto postgres = run_process(bin, {"backup", "--db", "postgresql://rightconv@127.0.0.1:1/rightconv", "--to", dir.file("pg.db")});
  CHECK(postgres.exit_code == 2);
  CHECK(postgres.err.find("pg_dump") != std::string::npos);
}

TEST_CASE("verify-backup and restore refuse a damaged backup or a changed audit log") {
  RC_SQLITE_ONLY("checks SQLite backup files");
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  {
    WsClient c(server.port());
    REQUIRE_FALSE(c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}}, 5000).empty());
  }
  const std::string good = dir.file("good.db");
  REQUIRE(run_process(bin, {"backup", "--db", server.db(), "--to", good}).exit_code == 0);
  server.stop();

  // An edited audit row (past the trigger that keeps the log append-only): the file is sound,
  // the chain is not.
  const std::string edited = dir.file("edited.db");
  fs::copy_file(good, edited);
  REQUIRE(execute(edited, "DROP TRIGGER audit_is_append_only; UPDATE audit SET actor = 'someone-else' WHERE id = (SELECT MIN(id) FROM audit)"));
  auto chain = run_process(bin, {"verify-backup", edited});
  CHECK(chain.exit_code == 1);
  CHECK(chain.out.find("audit chain broken") != std::string::npos);

  // The frame templates gone (a table left out of a copy made by hand): the record is whole, so
  // the copy is usable, but the turns naming them can no longer be shown as sent: said, on
  // verify-backup and on restore.
  const std::string no_templates = dir.file("no-templates.db");
  fs::copy_file(good, no_templates);
  REQUIRE(execute(no_templates, "DELETE FROM frame_templates"));
  auto templates = run_process(bin, {"verify-backup", no_templates});
  CHECK(templates.exit_code == 0);
  CHECK(templates.out.find("warning: turns name 1 frame template(s) the file does not hold") != std::string::npos);
  auto restored = run_process(bin, {"restore", "--from", no_templates, "--db", dir.file("restored.db")});
  CHECK(restored.exit_code == 0);
  CHECK(restored.err.find("restore: warning: turns name 1 frame template(s)") != std::string::npos);
  auto whole = run_process(bin, {"verify-backup", good});
  INFO(whole.out);
  CHECK(whole.exit_code == 0);
  CHECK(whole.out.find("warning") == std::string::npos);

  // Every page but the first (the schema) overwritten: no table can be read.
  const std::string broken = dir.file("broken.db");
  fs::copy_file(good, broken);
  const auto size = fs::file_size(broken);
  REQUIRE(size > 8192);
  {
    std::fstream f(broken, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    const std::string junk(size - 4096, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto damaged = run_process(bin, {"verify-backup", broken});
  CHECK(damaged.exit_code == 1);
  CHECK(damaged.out.find("NOT a usable backup") != std::string::npos);

  std::ofstream(dir.file("notes.txt")) << "not a database at all, but long enough to look like a header of one..........";
  CHECK(run_process(bin, {"verify-backup", dir.file("notes.txt")}).exit_code == 1);
  CHECK(run_process(bin, {"verify-backup", dir.file("missing.db")}).exit_code == 1);

  auto refused = run_process(bin, {"restore", "--from", broken, "--db", dir.file("new.db")});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("nothing changed") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.file("new.db")));
}

TEST_CASE("backup --to-dir names each copy by its time and deletes those older than --keep-days") {
  RC_SQLITE_ONLY("the backup command copies the SQLite file");
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  const std::string folder = dir.file("backups");
  fs::create_directories(folder);
  std::ofstream(folder + "/rightconv-20200101T000000Z.db") << "old";
  std::ofstream(folder + "/someone-elses-file.db") << "keep";
  auto r = run_process(bin, {"backup", "--db", server.db(), "--to-dir", folder, "--keep-days", "30"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(fs::exists(folder + "/rightconv-20200101T000000Z.db"));
  CHECK(fs::exists(folder + "/someone-elses-file.db"));
  int ours = 0;
  for (const auto& e : fs::directory_iterator(folder)) {
    const auto name = e.path().filename().string();
    if (name.rfind("rightconv-", 0) == 0) {
      ++ours;
      CHECK(run_process(bin, {"verify-backup", e.path().string()}).exit_code == 0);
    }
  }
  CHECK(ours == 1);
  CHECK(run_process(bin, {"backup", "--db", server.db(), "--to-dir", folder, "--keep-days", "soon"}).exit_code == 2);
  CHECK(run_process(bin, {"backup", "--db", server.db()}).exit_code == 2);
}
