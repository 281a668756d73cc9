// What SqliteConversationLog::apply writes: turns kept in order across migration 017 (the turns
// table rebuilt as a rowid table), and a conversation update that writes only what it names.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <thread>

#include "failing_writes.hpp"
#include "sqlite_probe.hpp"
#include "temp_db.hpp"
#include "store/wal_gather_vfs.hpp"
#include "store/group_commit_writer.hpp"
#include "store/migrations.hpp"
#include "store/review_queries.hpp"
#include "store/sqlite_conversation_log.hpp"

using namespace rc;
using namespace rc::store;

namespace {

const std::string kId = "0000000000010000000000000001";

Record started() {
  Record r;
  r.start = NewConversation{.id = kId, .dialog_id = "early-help", .dialog_version = "v1", .channel = "web", .token_hash = "hash",
                            .state = R"({"history":[]})", .started_at = 1000, .reference = "EH-7KQ2-M9XD"};
  return r;
}

// `db` as the migrations up to `version` left it (what an older server wrote).
void migrate_to(SqliteDb& db, int version) {
  for (const auto& m : migrations())
    if (m.version <= version) db.exec(std::string(m.sql));
  db.exec("PRAGMA user_version=" + std::to_string(version));
}

// As the writer runs a job alone: its own transaction, rolled back if it throws.
void apply_alone(SqliteDb& db, const Record& r) {
  db.begin_write();
  try {
    SqliteConversationLog::apply(db, r);
    db.commit();
  } catch (...) {
    db.rollback_if_open();
    throw;
  }
}

// The write error `r` is refused with, or "written" when it was not refused.
std::string refusal_of(SqliteDb& db, const Record& r) {
  try {
    apply_alone(db, r);
    return "written";
  } catch (const Refusal& refused) {
    return refused.error() == WriteError::conflict ? "conflict" : "another refusal";
  }
}

// A conversation log on a running writer, as the server has it; each write waited for.
struct LiveLog {
  TempDb file{"writes"};
  GroupCommitWriter writer{{file.path, false, 1000, 16}};
  SqliteConversationLog log{writer};
  LiveLog() { REQUIRE(writer.start().empty()); }
  ~LiveLog() { writer.stop(); }
  WriteResult write(Record r) {
    std::promise<WriteResult> written;
    log.write(std::move(r), [&](const WriteResult& w) { written.set_value(w); });
    return written.get_future().get();
  }
};

}  // namespace

TEST_CASE("a database from before migration 017 keeps its turns in order, and new turns follow them") {
  TempDb t{"writes"};
  {
    SqliteDb old{t.path, false, 1000};
    migrate_to(old, 16);
    REQUIRE(one(old, "SELECT sql FROM sqlite_schema WHERE name = 'turns'").find("WITHOUT ROWID") != std::string::npos);
    old.exec("INSERT INTO conversations (id, dialog_id, dialog_version, channel, started_at, updated_at, status, token_hash, state) "
             "VALUES ('" + kId + "', 'early-help', 'v1', 'web', 1000, 1000, 'active', 'hash', '{\"history\":[]}')");
    for (int seq : {2, 1, 3})  // written out of order: read back by seq
      old.exec("INSERT INTO turns (conversation_id, seq, at, node, direction, message) VALUES ('" + kId + "', " + std::to_string(seq) + ", " +
               std::to_string(1000 + seq) + ", 'danger', '" + (seq % 2 ? "in" : "out") + "', '{\"n\":" + std::to_string(seq) + "}')");
  }
  GroupCommitWriter writer{{t.path, false, 1000, 16}};
  REQUIRE(writer.start().empty());  // migrates to the latest
  SqliteConversationLog log(writer);
  Record r;
  r.turns.push_back({.conversation_id = kId, .at = 2000, .node = "harm", .direction = "in", .message = R"({"n":4})"});
  r.turns.push_back({.conversation_id = kId, .at = 2000, .node = "harm", .direction = "out", .message = R"([{"n":5}])"});
  std::promise<WriteResult> written;
  log.write(r, [&](const WriteResult& w) { written.set_value(w); });
  REQUIRE(written.get_future().get().ok());
  writer.stop();

  SqliteDb db{t.path, false, 1000};
  CHECK(one(db, "SELECT sql FROM sqlite_schema WHERE name = 'turns'").find("WITHOUT ROWID") == std::string::npos);
  CHECK(one(db, "SELECT group_concat(seq || ':' || message, ' ') FROM (SELECT seq, message FROM turns WHERE conversation_id = '" + kId +
                    "' ORDER BY seq)") == R"(1:{"n":1} 2:{"n":2} 3:{"n":3} 4:{"n":4} 5:[{"n":5}])");
  const auto transcript = staff::transcript(db, kId, staff::Scope{});
  REQUIRE(transcript);
  REQUIRE((*transcript)["turns"].size() == 5);
  CHECK((*transcript)["turns"][4]["seq"] == 5);
  // One (conversation, seq) still holds one turn.
  CHECK_THROWS(db.exec("INSERT INTO turns (conversation_id, seq, at, node, direction, message) VALUES ('" + kId + "', 5, 1, 'x', 'in', '{}')"));
}

// The writer gathers a commit's WAL writes at synchronous=NORMAL too (LiveLog's writer runs
// without a sync per commit): one write for the commit, not two a page.
TEST_CASE("the writer gathers its WAL writes without a sync per commit too") {
  LiveLog live;
  const WalGatherStats before = wal_gather_stats();
  REQUIRE(live.write(started()).ok());
  const WalGatherStats after = wal_gather_stats();
  CHECK(after.writes - before.writes >= 4);  // a header and a page for at least two frames
  CHECK(after.flushes - before.flushes == 1);
}

TEST_CASE("a frame template is written with the first record naming it to commit, again after a refused one, then never again") {
  LiveLog live;
  auto write = [&](Record r) { return live.write(std::move(r)); };
  TempDb& t = live.file;
  SqliteDb db{t.path, false, 1000};
  const auto shown = std::make_shared<const FrameTemplate>(FrameTemplate{"0123456789abcdef0123456789abcdef", R"({"type":"info","text":"Think family."})"});
  REQUIRE(write(started()).ok());
  Record refused_record = started();  // the same conversation again: refused after its template was inserted, so rolled back
  refused_record.templates = {shown};
  CHECK(write(refused_record).refused());
  CHECK(one(db, "SELECT COUNT(*) FROM frame_templates") == "0");

  Record named;
  named.templates = {shown, shown};
  named.turns.push_back({.conversation_id = kId, .at = 1500, .node = "x", .direction = "out",
                         .message = R"([{"$template":"0123456789abcdef0123456789abcdef","type":"info"}])"});
  REQUIRE(write(named).ok());
  CHECK(one(db, "SELECT body FROM frame_templates WHERE id = '0123456789abcdef0123456789abcdef'") == shown->body);
  // Once durable, later records do not carry it: a row taken away behind the log's back stays away.
  db.exec("DELETE FROM frame_templates");
  Record again;
  again.templates = {shown};
  again.turns.push_back({.conversation_id = kId, .at = 2000, .node = "x", .direction = "out",
                         .message = R"([{"$template":"0123456789abcdef0123456789abcdef","type":"info"}])"});
  REQUIRE(write(again).ok());
  CHECK(one(db, "SELECT COUNT(*) FROM frame_templates") == "0");
}

TEST_CASE("a connection opened again, or a transaction rolled back, writes a frame template again") {
  TempDb t{"writes"};
  const auto shown = std::make_shared<const FrameTemplate>(FrameTemplate{"fedcba9876543210fedcba9876543210", R"({"type":"info"})"});
  Record named;
  named.templates = {shown};
  {
    SqliteDb db{t.path, false, 1000};
    migrate(db);
    db.begin_write();
    SqliteConversationLog::apply(db, named);
    db.rollback_if_open();
    apply_alone(db, named);  // the rolled-back insert is not taken as written
    CHECK(one(db, "SELECT COUNT(*) FROM frame_templates") == "1");
    db.exec("DELETE FROM frame_templates");  // the file restored from before it, say
    apply_alone(db, named);
    CHECK(one(db, "SELECT COUNT(*) FROM frame_templates") == "0");  // this connection has it: no statement spent
  }
  SqliteDb reopened{t.path, false, 1000};
  apply_alone(reopened, named);
  CHECK(one(reopened, "SELECT body FROM frame_templates") == shown->body);
}

TEST_CASE("after a write that failed, the writer writes its frame templates again") {
  LiveLog live;
  auto write = [&](Record r) { return live.write(std::move(r)); };
  TempDb& t = live.file;
  const auto shown = std::make_shared<const FrameTemplate>(FrameTemplate{"00112233445566778899aabbccddeeff", R"({"type":"info"})"});
  Record named = started();
  named.templates = {shown};
  REQUIRE(write(named).ok());
  SqliteDb db{t.path, false, 1000};
  db.exec("DELETE FROM frame_templates");  // what a failing database may have lost, say
  {
    FailingWrites failing;
    failing.armed = true;
    Record turn;
    turn.turns.push_back({.conversation_id = kId, .at = 1500, .node = "x", .direction = "in", .message = "{}"});
    CHECK(write(turn).error == WriteError::failed);
  }
  Record again;
  again.templates = {shown};
  REQUIRE(write(again).ok());
  CHECK(one(db, "SELECT COUNT(*) FROM frame_templates") == "1");
}

TEST_CASE("a conversation update writes only what it names, keeps the rest, and is refused when another moved the conversation on") {
  TempDb t{"writes"};
  SqliteDb db{t.path, false, 1000};
  migrate(db);
  apply_alone(db, started());
  Record area;
  area.updates.push_back({.id = kId, .state = R"({"n":1})", .area = "east", .work_area = "west", .agency = "school", .updated_at = 2000, .expected_revision = 0});
  apply_alone(db, area);
  CHECK(one(db, "SELECT group_concat(hub || '/' || why, ' ') FROM (SELECT hub, why FROM conversation_hubs ORDER BY hub)") == "east/area west/work_area");

  Record plain;  // most turns: no area, outcome or end
  plain.updates.push_back({.id = kId, .state = R"({"n":2})", .updated_at = 3000, .expected_revision = 1});
  apply_alone(db, plain);
  CHECK(one(db, "SELECT state || ' ' || area || ' ' || work_area || ' ' || agency || ' ' || status || ' ' || updated_at || ' ' || revision || ' ' || "
                "COALESCE(outcome, '-') || ' ' || COALESCE(ended_at, '-') FROM conversations") == R"({"n":2} east west school active 3000 2 - -)");

  Record finished;
  finished.updates.push_back({.id = kId, .state = R"({"n":3})", .status = ConversationStatus::completed, .outcome = "hub_request_east",
                              .outcome_node = "hub_east", .updated_at = 4000, .ended_at = 4000, .expected_revision = 2});
  apply_alone(db, finished);
  Record back;  // back from the outcome: active again, the last outcome kept
  back.updates.push_back({.id = kId, .state = R"({"n":4})", .updated_at = 5000});
  apply_alone(db, back);
  CHECK(one(db, "SELECT status || ' ' || outcome || ' ' || outcome_node || ' ' || ended_at || ' ' || revision FROM conversations") ==
        "active hub_request_east hub_east 4000 4");

  Record stale;
  stale.updates.push_back({.id = kId, .state = R"({"n":5})", .updated_at = 6000, .expected_revision = 2});
  CHECK(refusal_of(db, stale) == "conflict");
  CHECK(one(db, "SELECT state FROM conversations") == R"({"n":4})");
  Record stale_end;  // the same when the status would change (the update's second statement)
  stale_end.updates.push_back({.id = kId, .state = R"({"n":5})", .status = ConversationStatus::abandoned, .updated_at = 6000, .expected_revision = 3});
  CHECK(refusal_of(db, stale_end) == "conflict");
  CHECK(one(db, "SELECT state || ' ' || status || ' ' || revision FROM conversations") == R"({"n":4} active 4)");
  // A conversation handed to a person stays handed_off whatever a later turn says.
  db.exec("UPDATE conversations SET status = 'handed_off'");
  apply_alone(db, back);
  CHECK(one(db, "SELECT status FROM conversations") == "handed_off");
  Record ended = back;  // nor whatever its end says
  ended.updates[0].status = ConversationStatus::abandoned;
  ended.updates[0].state = R"({"n":6})";
  apply_alone(db, ended);
  CHECK(one(db, "SELECT state || ' ' || status FROM conversations") == R"({"n":6} handed_off)");
}

namespace {

// How many OpenEphemeral steps SQLite's plan for `sql` has: the temporary b-tree an IN list of
// more than two constants is evaluated with, each time the statement runs.
int ephemeral_tables(SqliteDb& db, const std::string& sql) {
  SqliteStatement plan(db.handle(), "EXPLAIN " + sql);
  int n = 0;
  while (plan.step()) n += plan.text(1) == "OpenEphemeral";
  return n;
}

std::string conversation_row(const std::string& id, const std::string& status, const std::string& area) {
  return "INSERT INTO conversations (id, dialog_id, dialog_version, channel, started_at, updated_at, status, area, state) VALUES ('" + id +
         "', 'early-help', 'v1', 'web', 1000, 1000, '" + status + "', " + area + ", '{}')";
}

}  // namespace

TEST_CASE("migration 019: the conversation's CHECKs and area triggers keep their rules without an IN list, on a database that has rows") {
  TempDb t{"writes"};
  {
    SqliteDb old{t.path, false, 1000};
    migrate_to(old, 18);
    old.exec(conversation_row("c-old", "active", "'east'"));
    REQUIRE(ephemeral_tables(old, conversation_row("c-plan", "active", "NULL")) > 0);  // what 019 removes
  }
  GroupCommitWriter writer{{t.path, false, 1000, 16}};
  REQUIRE(writer.start().empty());  // migrates to the latest
  writer.stop();

  SqliteDb db{t.path, false, 1000};
  CHECK(one(db, "PRAGMA integrity_check") == "ok");
  CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('conversations', 'conversation_hubs', 'conversation_hubs_area_new', "
                "'conversation_hubs_area', 'conversation_hubs_work_area') AND sql LIKE '% IN (%'") == "0");
  // The statements a conversation runs build no temporary b-tree any more.
  CHECK(ephemeral_tables(db, conversation_row("c-plan", "active", "'east'")) == 0);
  CHECK(ephemeral_tables(db, "UPDATE conversations SET status = ?1, area = ?2, work_area = ?3 WHERE id = ?4") == 0);

  // The rows from before are intact, and the same values are allowed and refused as before.
  CHECK(one(db, "SELECT status || '/' || area FROM conversations WHERE id = 'c-old'") == "active/east");
  for (const char* status : {"active", "completed", "abandoned", "handed_off"})
    CHECK_FALSE(refused(db, conversation_row(std::string("c-") + status, status, "NULL")));
  CHECK(refused(db, conversation_row("c-bad", "finished", "NULL")));
  CHECK(refused(db, "UPDATE conversations SET status = 'ACTIVE' WHERE id = 'c-old'"));
  CHECK(refused(db, "INSERT INTO conversation_hubs VALUES ('c-old', 'north', 'area', 1)"));
  CHECK(refused(db, "INSERT INTO conversation_hubs VALUES ('c-old', 'west', 'liked', 1)"));
  CHECK_FALSE(refused(db, "INSERT INTO conversation_hubs VALUES ('c-old', 'south', 'handoff', 1)"));

  // The triggers still add a hub for an area or work area in Leeds, and only then.
  db.exec(conversation_row("c-new", "active", "'west'"));
  db.exec("UPDATE conversations SET area = 'south' WHERE id = 'c-new'");
  db.exec("UPDATE conversations SET area = 'elsewhere', work_area = 'east' WHERE id = 'c-old'");
  db.exec("UPDATE conversations SET work_area = 'unsaid' WHERE id = 'c-new'");
  CHECK(one(db, "SELECT group_concat(conversation_id || ':' || hub || '/' || why, ' ') FROM (SELECT * FROM conversation_hubs "
                "ORDER BY conversation_id, hub, why)") == "c-new:south/area c-new:west/area c-old:east/area c-old:east/work_area c-old:south/handoff");
}

TEST_CASE("migration 019 refuses, changing nothing, a database whose CHECK is not written as migration 001 wrote it") {
  TempDb t{"writes"};
  SqliteDb db{t.path, false, 1000};
  migrate_to(db, 18);
  // The same rule in other spacing: 019's text replacement cannot find it.
  db.exec("PRAGMA writable_schema=ON");
  db.exec("UPDATE sqlite_schema SET sql = replace(sql, '''active'', ''completed''', '''active'',''completed''') WHERE name = 'conversations'");
  db.exec("PRAGMA writable_schema=RESET");
  std::string error;
  try {
    migrate(db);
  } catch (const SqliteError& e) {
    error = e.what();
  }
  CHECK(error.find("migration 019") != std::string::npos);
  CHECK(error.find("every_in_list_rewritten") != std::string::npos);
  CHECK(one(db, "PRAGMA user_version") == "18");
  CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'conversation_hubs_area' AND sql LIKE '% IN (%'") == "1");
  CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'conversation_hubs' AND sql LIKE '% IN (%'") == "1");
}

TEST_CASE("restart_wal keeps the WAL file and the next write starts again at its beginning - truncate_wal empties it") {
  TempDb t{"writes"};
  SqliteDb writer{t.path, true, 1000};
  writer.exec("CREATE TABLE pages (n INTEGER PRIMARY KEY, body BLOB)");
  writer.exec("WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 300) INSERT INTO pages SELECT n, zeroblob(3000) FROM k");
  const auto wal = t.path + "-wal";
  REQUIRE(std::filesystem::file_size(wal) > 300 * 3000);

  SqliteDb checkpointer{t.path, true, 0};
  {
    // A reader still on the WAL's frames: nothing can start again, and it says so.
    SqliteDb reader{t.path, true, 0};
    reader.exec("BEGIN");
    CHECK(one(reader, "SELECT count(*) FROM pages") == "300");
    writer.exec("UPDATE pages SET body = zeroblob(20) WHERE n = 8");
    CHECK_FALSE(restart_wal(checkpointer));
    reader.exec("COMMIT");
  }
  const auto grown = std::filesystem::file_size(wal);
  CHECK(checkpoint_passive(checkpointer) == static_cast<std::int64_t>(grown) - 32);  // every frame in use (the WAL's header is 32 bytes)
  CHECK(restart_wal(checkpointer));
  CHECK(std::filesystem::file_size(wal) == grown);  // kept, blocks and all
  writer.exec("UPDATE pages SET body = zeroblob(10) WHERE n = 7");
  CHECK(std::filesystem::file_size(wal) == grown);  // written over its beginning, not appended after the old frames
  // What the checkpointer decides on: the log in use, a frame or two, not the file's size.
  const auto in_use = checkpoint_passive(checkpointer);
  CHECK(in_use > 0);
  CHECK(in_use < 5 * (4096 + 24));
  // Everything is still there, from either connection, and after reopening.
  CHECK(one(checkpointer, "SELECT count(*) || ' ' || sum(length(body)) FROM pages") == std::to_string(300) + " " + std::to_string(298 * 3000 + 20 + 10));
  {
    SqliteDb reopened{t.path, true, 1000};
    CHECK(one(reopened, "SELECT length(body) FROM pages WHERE n = 7") == "10");
    CHECK(one(reopened, "PRAGMA integrity_check") == "ok");
  }

  CHECK(truncate_wal(checkpointer));
  CHECK(std::filesystem::file_size(wal) == 0);
  CHECK(one(checkpointer, "SELECT count(*) FROM pages") == "300");
}

namespace {

std::string::size_type offset_in(const std::string& path, const std::string& text) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find(text);
}

bool file_holds(const std::string& path, const std::string& text) { return offset_in(path, text) != std::string::npos; }

// Writes one row every 10 ms until it goes out of scope (stopped and joined even when a REQUIRE throws).
template <typename Write>
struct SteadyWrites {
  explicit SteadyWrites(Write w) : write(std::move(w)), thread([this] {
    while (!stop) {
      write();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }) {}
  ~SteadyWrites() {
    stop = true;
    thread.join();
  }
  Write write;
  std::atomic<bool> stop{false};
  std::thread thread;
};

}  // namespace

// Under load a large WAL is restarted, not emptied, so its old frames stay in the file's tail
// until overwritten: when a purge could not empty it (a reader held it), the checkpointer must
// empty it anyway, even while writes go on.
TEST_CASE("a WAL a purge could not empty is emptied by the checkpointer while writes go on") {
  TempDb t{"writes"};
  GroupCommitWriter writer{{t.path, false, 10000, 16}};
  REQUIRE(writer.start().empty());
  auto run = [&](std::string sql, bool truncate = false) {
    std::promise<WriteResult> done;
    auto work = [sql = std::move(sql)](Db& db) { db.exec(sql); };
    auto report = [&done](const WriteResult& w) { done.set_value(w); };
    if (truncate)
      writer.submit_and_truncate(work, report);
    else
      writer.submit(work, report);
    return done.get_future().get().ok();
  };
  const std::string marker = "Qzxvmarker-erased";
  const std::string wal = t.path + "-wal";
  REQUIRE(run("CREATE TABLE notes (body TEXT); CREATE TABLE filler (body BLOB)"));
  bool gone = false;
  {
    // From here on writes go on all the time, as under load: the checkpointer never finds the
    // writer idle (where it would empty the WAL whatever happened before).
    SteadyWrites load([&] { run("INSERT INTO filler VALUES (zeroblob(10))"); });
    std::optional<SqliteDb> reader;
    // More than the 32 MB past which the checkpointer restarts the WAL under load, then the text,
    // so that its frame is in the WAL's tail, past what a restarted WAL's next writes cover; a
    // reader then holds the WAL. The checkpointer may restart or empty the WAL before the reader
    // holds it (its first round always empties it; a restart once the log passes 32 MB): then the
    // text is near the WAL's beginning, and this is done again.
    for (int attempt = 0; attempt < 4 && !reader; ++attempt) {
      REQUIRE(run("WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 8600) INSERT INTO filler SELECT zeroblob(4000) FROM k"));
      REQUIRE(run("INSERT INTO notes VALUES ('" + marker + "')"));
      reader.emplace(t.path, false, 0);
      reader->exec("BEGIN");
      REQUIRE(one(*reader, "SELECT count(*) FROM notes") != "0");  // holds the frames it read
      const auto at = offset_in(wal, marker);
      if (at == std::string::npos || at < 32u * 1024 * 1024) {
        reader->exec("COMMIT");
        reader.reset();
      }
    }
    REQUIRE(reader.has_value());
    CHECK(run("DELETE FROM notes", /*truncate=*/true));  // the purge commits; emptying the WAL cannot finish
    CHECK(file_holds(wal, marker));
    const auto full = std::filesystem::file_size(wal);
    reader->exec("COMMIT");
    reader.reset();
    // The text leaves the WAL once the checkpointer has emptied it: a bounded wait, no time asserted.
    // (Restarted, the file would keep its size; emptied, it starts again from nothing.)
    for (int i = 0; i < 600 && !gone; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      gone = std::filesystem::file_size(wal) < full && !file_holds(wal, marker);
    }
  }
  CHECK(gone);
  writer.stop();
  CHECK_FALSE(file_holds(t.path, marker));
}

// A server killed between a purge's commit and the WAL's emptying leaves erased text in the
// WAL's tail. The next server must empty it even if it comes up under load, where it would
// otherwise only restart the WAL (keeping the tail) or append to it.
TEST_CASE("a WAL a killed server left holding erased text is emptied when the next one starts, under load") {
  TempDb t{"writes"};
  const std::string marker = "Qzxvmarker-left-behind";
  const std::string wal = t.path + "-wal";
  {
    GroupCommitWriter first{{t.path, false, 1000, 16}};
    REQUIRE(first.start().empty());
    std::promise<WriteResult> done;
    first.submit([](Db& db) { db.exec("CREATE TABLE notes (body TEXT); CREATE TABLE filler (body BLOB)"); },
                 [&done](const WriteResult& w) { done.set_value(w); });
    REQUIRE(done.get_future().get().ok());
  }
  {
    // The killed server: its last writes stay in the WAL, never checkpointed (as after kill -9).
    SqliteDb killed{t.path, false, 1000};
    sqlite3_db_config(killed.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    killed.exec("PRAGMA wal_autocheckpoint = 0");  // its checkpointer had not caught up either
    killed.exec("WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 8600) INSERT INTO filler SELECT zeroblob(4000) FROM k");
    killed.exec("INSERT INTO notes VALUES ('" + marker + "')");
    killed.exec("DELETE FROM notes");  // the purge committed
  }
  REQUIRE(offset_in(wal, marker) != std::string::npos);
  REQUIRE(offset_in(wal, marker) > 32u * 1024 * 1024);  // in the tail a restarted WAL's next writes would not reach

  GroupCommitWriter next{{t.path, false, 10000, 16}};
  REQUIRE(next.start().empty());
  bool gone = false;
  {
    SteadyWrites load([&] {
      std::promise<WriteResult> done;
      next.submit([](Db& db) { db.exec("INSERT INTO filler VALUES (zeroblob(10))"); },
                  [&done](const WriteResult& w) { done.set_value(w); });
      done.get_future().get();
    });
    for (int i = 0; i < 600 && !gone; ++i) {  // a bounded wait, no time asserted
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      gone = !file_holds(wal, marker);
    }
  }
  CHECK(gone);
  next.stop();
  CHECK_FALSE(file_holds(t.path, marker));
}
