// Durability: commit before reply, kill -9, restart and resume, an unwritable database.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <csignal>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "test_store.hpp"
#include "db_reader.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

json start_msg() { return {{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}}; }
json answer(const std::string& node, const std::string& option) { return {{"type", "answer"}, {"node", node}, {"option", option}}; }

// A path through the dialog, as (node, option); "text:" answers the free-text node.
const std::vector<std::pair<std::string, std::string>> kPath = {
    {"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "multi"}, {"hub_notes", "text:none"}, {"area", "east"}};

json step_msg(const std::pair<std::string, std::string>& s) {
  if (s.second.rfind("text:", 0) == 0) return {{"type", "answer"}, {"node", s.first}, {"text", s.second.substr(5)}};
  return answer(s.first, s.second);
}

}  // namespace

namespace {

// Clients answer as fast as they can; kill -9 mid-load; every acknowledged turn must be stored.
void kill_nine_loses_nothing_acknowledged(const std::string& db_sync) {
  TempDir dir;
  std::ofstream(dir.file("fast.json")) << R"({"db_sync": ")" << db_sync << R"(", "limits": {"max_messages_per_second": 100000, "burst_messages": 100000}})";
  ServerProcess server(dir, {"--config", dir.file("fast.json")});
  REQUIRE(server.start());
  std::mutex mutex;
  std::map<std::string, int> acknowledged;  // conversation -> client messages answered
  std::atomic<bool> stop{false};
  std::atomic<int> total{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      WsClient c(server.port());
      while (!stop) {
        auto s = c.request(start_msg(), 3000);
        if (s.empty()) return;
        const std::string id = s[0]["conversation"];
        {
          std::lock_guard lock(mutex);
          acknowledged[id] = 1;
        }
        for (const auto& step : kPath) {
          auto r = c.request(step_msg(step), 3000);
          if (r.empty()) return;  // the server died under us
          std::lock_guard lock(mutex);
          acknowledged[id]++;
          total++;
        }
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (total < 400 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(total >= 400);
  CHECK(server.stop(SIGKILL) == 128 + SIGKILL);
  stop = true;
  for (auto& t : clients) t.join();
  MESSAGE(total.load() << " acknowledged answers in " << acknowledged.size() << " conversations before kill -9");

  std::map<std::string, int> stored;
  for (const auto& row : query(server.db(), "SELECT conversation_id, COUNT(*) FROM turns WHERE direction = 'in' GROUP BY conversation_id", true))
    stored[row[0]] = std::stoi(row[1]);
  int missing = 0;
  for (const auto& [id, count] : acknowledged) {
    if (stored[id] < count) {
      ++missing;
      MESSAGE("conversation " << id << ": " << count << " acknowledged, " << stored[id] << " stored");
    }
  }
  CHECK(missing == 0);
  if (!on_postgresql()) CHECK(scalar(server.db(), "PRAGMA integrity_check", true) == "ok");

  // And the server comes back on the same file, with the conversations resumable.
  ServerProcess again(dir, {"--config", dir.file("fast.json")});
  REQUIRE(again.start());
  CHECK(http_get(again.port(), "/readyz") == 200);
}

}  // namespace

TEST_CASE("kill -9 loses no turn whose reply a client received") { kill_nine_loses_nothing_acknowledged("full"); }

// "normal" skips the fsync per commit, but the commit is in the kernel before the reply: a
// process crash loses nothing (only a power cut or kernel crash could).
TEST_CASE("kill -9 loses no acknowledged turn with db_sync normal either") { kill_nine_loses_nothing_acknowledged("normal"); }

TEST_CASE("a conversation resumes after the server restarts") {
  TempDir dir;
  std::string id, token;
  {
    ServerProcess server(dir);
    REQUIRE(server.start());
    WsClient c(server.port());
    auto s = c.request(start_msg());
    id = s[0]["conversation"];
    token = s[0]["token"];
    for (std::size_t i = 0; i < 5; ++i) c.request(step_msg(kPath[i]));
    CHECK(server.stop(SIGTERM) == 0);
  }
  ServerProcess server(dir);
  REQUIRE(server.start());
  WsClient c(server.port());
  auto r = c.request({{"type", "resume"}, {"conversation", id}, {"token", token}});
  REQUIRE(r.size() == 2);
  CHECK(r[1]["node"] == "needs");
  CHECK(r[1]["can_go_back"] == true);
  auto out = c.request(answer("needs", "universal"));
  CHECK(out.back()["outcome"] == "universal_signpost");
  // Turn numbers carry on from where they were, so the transcript stays in order.
  CHECK(scalar(server.db(), "SELECT COUNT(*) = MAX(seq) FROM turns WHERE conversation_id = '" + id + "'") == "1");
  // The token itself is never stored: only its hash.
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM conversations WHERE token_hash = '" + token + "'") == "0");
}

TEST_CASE("SIGTERM closes open chats with 1001 - flushes the log and exits 0") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  WsClient c(server.port());
  std::string id = c.request(start_msg())[0]["conversation"];
  c.request(answer("danger", "no"));
  CHECK(server.stop(SIGTERM) == 0);
  CHECK_FALSE(c.receive(3000));
  CHECK(c.close_code() == 1001);
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM turns WHERE conversation_id = '" + id + "'") == "4");
  CHECK(server.log().find("stopped cleanly") != std::string::npos);
}

TEST_CASE("when the database is locked the server answers server_busy - keeps serving health - and recovers") {
  RC_SQLITE_ONLY("an SQLite write lock held by another process");
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  WsClient c(server.port());
  c.request(start_msg());

  sqlite3* locker = nullptr;
  REQUIRE(sqlite3_open(server.db().c_str(), &locker) == SQLITE_OK);
  REQUIRE(sqlite3_exec(locker, "BEGIN IMMEDIATE; INSERT INTO health (id, checked_at) VALUES (1, 0) ON CONFLICT(id) DO UPDATE SET checked_at = 0;", nullptr, nullptr, nullptr) == SQLITE_OK);

  c.send(answer("danger", "no"));
  auto busy = c.receive(10000);
  REQUIRE(busy);
  CHECK((*busy)["code"] == "server_busy");
  CHECK(http_get(server.port(), "/healthz") == 200);
  CHECK(http_get(server.port(), "/readyz") == 503);

  REQUIRE(sqlite3_exec(locker, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(locker);
  // The answer that failed was not taken: the same question is still current and can be answered.
  auto ok = c.request(answer("danger", "no"));
  CHECK(ok.back()["node"] == "harm");
  CHECK(http_get(server.port(), "/readyz") == 200);
}

TEST_CASE("a deleted database file is noticed and re-created rather than written into the void") {
  RC_SQLITE_ONLY("the SQLite file on disk");
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  {
    WsClient c(server.port());
    c.request(start_msg());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(server.db() + suffix);
  CHECK(http_get(server.port(), "/readyz") == 200);
  WsClient c(server.port());
  std::string id = c.request(start_msg())[0]["conversation"];
  CHECK(std::filesystem::exists(server.db()));
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM conversations WHERE id = '" + id + "'") == "1");
  // The checkpointer keeps its connection between rounds, and follows the new file: once writes
  // pause it empties the new file's WAL (on the old one it would go on emptying a deleted file).
  std::error_code ec;
  std::uintmax_t wal = 1;
  for (int i = 0; i < 400 && wal != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    wal = std::filesystem::file_size(server.db() + "-wal", ec);
    if (ec) wal = 1;
  }
  CHECK(wal == 0);
}
