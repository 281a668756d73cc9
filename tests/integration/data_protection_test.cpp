// Children's data kept safe (docs/security.md): purge and erasure remove typed text from every
// place it is stored, the database files too, and those files are never world-readable. The
// real server, a practitioner, a console, a phone call and a voice call, then the real CLI.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "test_store.hpp"
#include "db_reader.hpp"
#include "handoff_support.hpp"
#include "process.hpp"
#include "staff_helpers.hpp"
#include "voice_caller.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

const std::string kVoiceBase = "https://voice.example.org";
const std::string kVoiceToken = "test-auth-token-0123456789";
constexpr std::int64_t kDay = 24LL * 3600 * 1000;

std::string whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Where `marker` is still found among the database's files ("" when nowhere).
std::string files_holding(const std::string& db, const std::string& marker) {
  std::string found;
  for (const char* suffix : {"", "-wal", "-shm"})
    if (whole_file(db + suffix).find(marker) != std::string::npos) found += std::string(found.empty() ? "" : ", ") + "rightconv.db" + suffix;
  return found;
}

unsigned permissions(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

// A server with voice on and the console connector (the default routes).
struct Server {
  TempDir dir;
  ServerProcess server;
  std::string worker, east;
  Server() : server(dir, {"--config", config(dir)}) {
    REQUIRE(server.start());
    worker = add_staff(server.db(), "p.line", "hub:east");
    east = add_staff(server.db(), "eve", "hub:east");
  }
  static std::string config(const TempDir& dir) {
    const std::string path = dir.file("config.json");
    std::ofstream(path) << json{{"voice", {{"enabled", true}, {"public_base_url", kVoiceBase}, {"auth_token", kVoiceToken}}}}.dump();
    return path;
  }
};

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Makes every conversation look untouched for `days`.
void age(const std::string& db, int days) {
  const std::string then = std::to_string(unix_now_ms() - days * kDay);
  query(db, "UPDATE conversations SET updated_at = " + then, true);
}

}  // namespace

TEST_CASE("purge removes a marker typed into every free-text path from the database files") {
  RC_SQLITE_ONLY("reads the SQLite file and its WAL from disk");
  const std::string m = "Zqxmarker";  // one word: redaction keeps it, so only the purge can remove it
  Server s;
  std::string web, phone;
  {
    // Web chat: the ref, typed answers, hub notes, a handoff reason and live messages both ways.
    WsClient p(s.server.port());
    auto replies = p.request({{"type", "start"}, {"dialog", "early-help"}, {"ref", m + "-ref"}});
    web = replies[0]["conversation"];
    replies = p.request({{"type", "answer"}, {"node", "danger"}, {"text", m + " blorp"}, {"ref", m + "-ref2"}});  // not an answer: asked again
    REQUIRE(replies.back()["node"] == "danger");
    // Typed words taken as an option are kept with the answer in the state (for the resumed path).
    for (const std::string& a : std::vector<std::string>{"no", "no", "text:yes we have talked, " + m, "agree", "no", "multi", "text:Hub notes about " + m + " and home", "east"}) {
      json answer{{"type", "answer"}, {"node", replies.back()["node"]}};
      if (a.rfind("text:", 0) == 0) answer["text"] = a.substr(5);
      else answer["option"] = a;
      replies = p.request(answer);
    }
    REQUIRE(replies.back()["type"] == "outcome");
    p.send({{"type", "handoff"}, {"reason", "Reason with " + m}});
    const auto asked = p.receive_until({"handoff"});
    REQUIRE_FALSE(asked.empty());
    const std::string ref = asked.back()["reference"];
    Console staff(s.server.console_port());
    staff.sign_in(s.east);
    REQUIRE(staff.call({{"type", "accept"}, {"reference", ref}}, "a"));
    p.receive_until({"handoff"});
    p.send({{"type", "message"}, {"text", "Practitioner says " + m}});
    REQUIRE_FALSE(p.receive_until({"message"}).empty());
    REQUIRE(staff.call({{"type", "message"}, {"reference", ref}, {"text", "Staff says " + m}}, "m"));
    p.receive_until({"message"});
    REQUIRE(staff.call({{"type", "end"}, {"reference", ref}, {"note", "Wrap-up note " + m}}, "e"));
  }
  {
    // A phone call: a worker's note and the wrap-up note.
    WsClient c(s.server.port());
    auto started = c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "phone"}, {"staff_token", s.worker}});
    phone = started[0]["conversation"];
    c.send({{"type", "note"}, {"text", "Caller note " + m}});
    REQUIRE_FALSE(c.receive_until({"note"}).empty());
    c.send({{"type", "wrap_up"}, {"outcome_confirmed", false}, {"code", "other"}, {"note", "Call wrap-up " + m}});
    auto wrapped = c.receive_until({"wrapped_up", "error"});
    REQUIRE_FALSE(wrapped.empty());
    REQUIRE_MESSAGE(wrapped.back()["type"] == "wrapped_up", wrapped.back().dump());
  }
  {
    // A voice call: the caller's words.
    VoiceCaller caller(s.server.port(), kVoiceBase, kVoiceToken, "CA00000000000000000000000000000001");
    caller.call();
    caller.say("well " + m + " said");
  }
  REQUIRE(s.server.stop() == 0);
  REQUIRE_FALSE(files_holding(s.server.db(), m).empty());  // it was all there

  age(s.server.db(), 100);  // past both free-text periods (30 days; 90 once handed off)
  auto purged = run_process(RC_BINARY, {"purge", "--now", "--db", s.server.db()});
  REQUIRE(purged.exit_code == 0);
  CHECK_MESSAGE(files_holding(s.server.db(), m).empty(), "still in: " << files_holding(s.server.db(), m));
  // The purge removed the text, not the record: the conversations and their paths are kept.
  // (The phone call, never ended, was left open past the resume period: abandoned and deleted.)
  CHECK(scalar(s.server.db(), "SELECT COUNT(*) FROM conversations WHERE id = '" + web + "'") == "1");
  CHECK(scalar(s.server.db(), "SELECT outcome FROM conversations WHERE id = '" + web + "'") == "hub_request_east");
  CHECK(scalar(s.server.db(), "SELECT COUNT(*) FROM turns WHERE conversation_id = '" + web + "'") != "0");
  // A second purge has nothing left to do.
  auto again = run_process(RC_BINARY, {"purge", "--now", "--db", s.server.db()});
  CHECK(again.out.find("\"free_text\":0") != std::string::npos);
}

TEST_CASE("an abandoned handoff does not stop purge or erasure, and erased text is gone from the WAL") {
  const std::string m = "Wyvmarker";
  Server s;
  std::string left, erased;
  {
    WsClient p(s.server.port());
    walk(p, kToEastHub, &left);
    p.send({{"type", "handoff"}, {"reason", "Left waiting " + m}});
    REQUIRE_FALSE(p.receive_until({"handoff"}).empty());
  }  // the practitioner leaves with the handoff open
  {
    WsClient p(s.server.port());
    walk(p, {"no", "no", "yes", "agree", "no", "multi", "text:To be erased " + m, "east"}, &erased);
    p.send({{"type", "handoff"}, {"reason", "Erase me " + m}});
    REQUIRE_FALSE(p.receive_until({"handoff"}).empty());
  }
  // Erasure while the server runs: the conversation, its handoff and its outbox rows go, and the
  // WAL is emptied so the text cannot be read from the files.
  auto erase = run_process(RC_BINARY, {"erase", erased, "--db", s.server.db()});
  CHECK_MESSAGE(erase.exit_code == 0, erase.err);
  CHECK_MESSAGE(erase.err.find("warning") == std::string::npos, erase.err);
  CHECK(scalar(s.server.db(), "SELECT COUNT(*) FROM handoffs WHERE conversation_id = '" + erased + "'") == "0");
  CHECK(scalar(s.server.db(), "SELECT COUNT(*) FROM outbox WHERE conversation_id = '" + erased + "'") == "0");
  CHECK(whole_file(s.server.db() + "-wal").find("To be erased") == std::string::npos);
  CHECK(whole_file(s.server.db()).find("To be erased") == std::string::npos);
  REQUIRE(s.server.stop() == 0);

  // Abandoned and past its period: deleted with its handoff, where a foreign key used to stop every purge.
  query(s.server.db(), "UPDATE conversations SET status = 'abandoned'", true);
  age(s.server.db(), 8);
  auto purged = run_process(RC_BINARY, {"purge", "--now", "--db", s.server.db()});
  CHECK_MESSAGE(purged.exit_code == 0, purged.err);
  CHECK(scalar(s.server.db(), "SELECT COUNT(*) FROM conversations") == "0");
  CHECK(scalar(s.server.db(), "SELECT COUNT(*) FROM handoffs") == "0");
  CHECK(files_holding(s.server.db(), m).empty());
}

TEST_CASE("database files and subject-access exports are readable by their owner only, whatever the umask") {
  RC_SQLITE_ONLY("the SQLite files' permissions");
  const mode_t before = ::umask(022);
  Server s;
  {
    WsClient p(s.server.port());
    walk(p, kToEastHub);
  }
  CHECK(permissions(s.server.db()) == 0600);
  CHECK(permissions(s.server.db() + "-wal") == 0600);
  CHECK(permissions(s.server.db() + "-shm") == 0600);
  const std::string out = s.dir.file("sar.json");
  auto exported = run_process(RC_BINARY, {"export-subject", "--text", "routines", "--out", out, "--db", s.server.db()});
  CHECK(exported.exit_code == 0);
  CHECK(permissions(out) == 0600);
  ::umask(before);
}
