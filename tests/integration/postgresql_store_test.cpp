// The PostgreSQL store, against a real throw-away cluster (pg_cluster.hpp): the schema the same
// as SQLite's, migrations once even from several instances at once, and the database setting
// checked with errors that name it and never show a password.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "db_reader.hpp"
#include "handoff_support.hpp"
#include "pg_cluster.hpp"
#include "test_store.hpp"
#include "process.hpp"
#include "server_process.hpp"

using namespace rc::test;

namespace {

// rightconv with the cluster's password in RIGHTCONV_DB_PASSWORD (through env(1): the test's
// own environment stays clean for the other tests).
ProcessResult rightconv_with_password(const std::vector<std::string>& args, const std::string& password = PgCluster::kPassword) {
  std::vector<std::string> full{"RIGHTCONV_DB_PASSWORD=" + password, RC_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  return run_process("/usr/bin/env", full);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

// "table.column|nullable" for every column of the SQLite schema.
std::vector<std::string> sqlite_columns(const std::string& path) {
  std::vector<std::string> out;
  for (const auto& r : query(path, "SELECT m.name, p.name, p.\"notnull\" OR p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p "
                                   "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"))
    out.push_back(r[0] + "." + r[1] + "|" + (r[2] == "1" ? "not null" : "null"));
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> pg_columns(const PgCluster& pg, const std::string& database) {
  return lines(pg.psql("SELECT table_name || '.' || column_name || '|' || CASE is_nullable WHEN 'NO' THEN 'not null' ELSE 'null' END "
                       "FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations'",
                       database));
}

}  // namespace

TEST_CASE("postgresql - migrate makes the same tables and columns as SQLite, once, and a second run applies nothing") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  auto first = rightconv_with_password({"migrate", "--db", pg.url("rc")});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const std::string versions = pg.psql("SELECT COUNT(*) || '|' || MAX(version) FROM schema_migrations", "rc");
  CHECK(first.out.find("schema at version " + versions.substr(versions.find('|') + 1)) != std::string::npos);
  CHECK(first.out.find("(" + versions.substr(0, versions.find('|')) + " migration(s) applied now)") != std::string::npos);

  TempDir dir;
  REQUIRE(run_process(RC_BINARY, {"migrate", "--db", dir.file("same.db")}).exit_code == 0);
  const auto expected = sqlite_columns(dir.file("same.db"));
  REQUIRE(expected.size() > 50);
  CHECK(pg_columns(pg, "rc") == expected);

  auto again = rightconv_with_password({"migrate", "--db", pg.url("rc")});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("(0 migration(s) applied now)") != std::string::npos);
}

TEST_CASE("postgresql - several instances migrating at once apply each migration once") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  std::vector<ProcessResult> results(3);
  std::vector<std::thread> runs;
  for (auto& r : results) runs.emplace_back([&r, &pg] { r = rightconv_with_password({"migrate", "--db", pg.url("rc")}); });
  for (auto& t : runs) t.join();
  int applied = 0;
  for (const auto& r : results) {
    INFO(r.err);
    CHECK(r.exit_code == 0);
    const auto at = r.out.find(" migration(s) applied now");
    REQUIRE(at != std::string::npos);
    applied += std::stoi(r.out.substr(r.out.rfind('(', at) + 1));
  }
  CHECK(std::to_string(applied) == pg.psql("SELECT COUNT(*) FROM schema_migrations", "rc"));
  CHECK(pg.psql("SELECT COUNT(*) = COUNT(DISTINCT version) FROM schema_migrations", "rc") == "t");
}

TEST_CASE("postgresql - a migration that fails names its file and line, and the ones before it stay") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  // Something in the way of the first migration: a table of the same name, made by hand.
  REQUIRE(pg.psql("CREATE TABLE conversations (x INTEGER)", "rc") == "");
  auto r = rightconv_with_password({"migrate", "--db", pg.url("rc")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("src/store/migrations/postgresql/001_") != std::string::npos);
  CHECK(r.err.find(".sql:") != std::string::npos);  // with a line number
  CHECK(r.err.find("already exists") != std::string::npos);
  CHECK(pg.psql("SELECT COUNT(*) FROM schema_migrations", "rc") == "0");
}

TEST_CASE("postgresql - the database setting is checked, errors name it, and the password never comes from the URL or shows") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start(), pg.log());
  const std::string url = pg.url();

  auto in_url = run_process(RC_BINARY, {"migrate", "--db", "postgresql://rightconv:hunter2@127.0.0.1:" + std::to_string(pg.port()) + "/postgres"});
  CHECK(in_url.exit_code == 2);
  CHECK(in_url.err.find("--db: the URL holds a password") != std::string::npos);
  CHECK(in_url.err.find("hunter2") == std::string::npos);

  auto malformed = run_process(RC_BINARY, {"migrate", "--db", "postgresql://127.0.0.1:notaport/x?sslmode"});
  CHECK(malformed.exit_code == 2);
  CHECK(malformed.err.find("--db: not a valid PostgreSQL URL") != std::string::npos);

  auto other = run_process(RC_BINARY, {"migrate", "--db", "mysql://db/rightconv"});
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("is not a database rightconv knows") != std::string::npos);

  auto no_password = run_process(RC_BINARY, {"migrate", "--db", url});
  CHECK(no_password.exit_code == 1);
  CHECK(no_password.err.find("cannot connect to " + url) != std::string::npos);
  CHECK(no_password.err.find("no password was given: set RIGHTCONV_DB_PASSWORD or db_password_file") != std::string::npos);

  auto wrong = rightconv_with_password({"migrate", "--db", url}, "not-the-password-91");
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("check the password") != std::string::npos);
  CHECK(wrong.err.find("not-the-password-91") == std::string::npos);
  CHECK(wrong.out.find("not-the-password-91") == std::string::npos);

  // From a file named in the config, with the editor's newline at the end.
  TempDir dir;
  std::ofstream(dir.file("pw")) << PgCluster::kPassword << "\n";
  std::ofstream(dir.file("c.json")) << R"({"db": ")" << url << R"(", "db_password_file": ")" << dir.file("pw") << R"("})";
  auto from_file = run_process(RC_BINARY, {"migrate", "--config", dir.file("c.json")});
  INFO(from_file.err);
  CHECK(from_file.exit_code == 0);
  std::ofstream(dir.file("bad.json")) << R"({"db": "postgresql://u:pw@localhost/x"})";
  auto bad_config = run_process(RC_BINARY, {"migrate", "--config", dir.file("bad.json")});
  CHECK(bad_config.exit_code == 2);
  CHECK(bad_config.err.find(dir.file("bad.json") + ": db: the URL holds a password") != std::string::npos);

  pg.stop();
  auto down = rightconv_with_password({"migrate", "--db", url});
  CHECK(down.exit_code == 1);
  CHECK(down.err.find("cannot connect to " + url) != std::string::npos);

  // The server does not start on a database it cannot reach, and says which (never making a file of that name).
  auto serve = rightconv_with_password({"serve", "--db", url, "--listen", "127.0.0.1:0", "--staff-listen", "127.0.0.1:0"});
  CHECK(serve.exit_code == 1);
  CHECK(serve.err.find("serve: cannot open the database " + url + ": cannot connect to " + url) != std::string::npos);
  CHECK(!std::filesystem::exists(url));
  const std::string with_password = "postgresql://rightconv:hunter2@127.0.0.1:1/x";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"serve", "--db", with_password, "--listen", "127.0.0.1:0", "--staff-listen", "127.0.0.1:0"},
                                              std::vector<std::string>{"purge", "--db", with_password, "--dry-run"}}) {  // a password given anyway is never repeated
    CAPTURE(args[0]);
    auto leaked = run_process(RC_BINARY, args);
    CHECK(leaked.exit_code != 0);
    CHECK(leaked.err.find("hunter2") == std::string::npos);
    CHECK(leaked.out.find("hunter2") == std::string::npos);
  }
}

TEST_CASE("postgresql - copy moves an SQLite deployment without losing a row, verified, and only into an empty database") {
  RC_OWN_CLUSTERS();
  HandoffFixture f;  // staff accounts
  {
    WsClient p(f.server.port());
    walk(p, kToEastHub);
    p.send({{"type", "handoff"}, {"reason", "Please call me back"}});
    REQUIRE(!p.receive_until({"handoff"}).empty());  // a handoff row and outbox events
    WsClient q(f.server.port());
    walk(q, kToDutyAndAdvice);
  }
  httplib::Client staff("127.0.0.1", f.server.staff_port());
  REQUIRE(staff.Get("/v1/conversations", {{"Authorization", "Bearer " + f.admin}})->status == 200);  // an audit row
  REQUIRE(f.server.stop(15) == 0);
  const std::string db = f.server.db();
  auto count = [&](const std::string& table) { return query(db, "SELECT COUNT(*) FROM " + table)[0][0]; };

  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  auto copied = rightconv_with_password({"copy", "--from", db, "--to", pg.url("rc")});
  INFO(copied.err);
  REQUIRE(copied.exit_code == 0);
  CHECK(copied.out.find("counts and digests match") != std::string::npos);
  for (const char* table : {"conversations", "turns", "handoffs", "outbox", "staff", "audit", "conversation_hubs"}) {
    CAPTURE(table);
    CHECK(count(table) != "0");
    CHECK(pg.psql(std::string("SELECT COUNT(*) FROM ") + table, "rc") == count(table));
  }
  CHECK(pg.psql("SELECT string_agg(hash, ',' ORDER BY id) FROM audit", "rc") == query(db, "SELECT group_concat(hash, ',') FROM (SELECT hash FROM audit ORDER BY id)")[0][0]);
  // Triggers are on again, and new rows take ids after the copied ones.
  CHECK(pg.psql("SELECT COUNT(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgenabled <> 'O'", "rc") == "0");
  CHECK(pg.psql("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
                "SELECT 'evt-after-copy', connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start "
                "FROM outbox LIMIT 1 RETURNING id > (SELECT MAX(id) FROM outbox WHERE event_id <> 'evt-after-copy')",
                "rc") == "t");

  // Not into a database that already holds rows: nothing changes.
  const std::string before = pg.psql("SELECT COUNT(*) FROM turns", "rc");
  auto again = rightconv_with_password({"copy", "--from", db, "--to", pg.url("rc")});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("already holds rows in") != std::string::npos);
  CHECK(pg.psql("SELECT COUNT(*) FROM turns", "rc") == before);

  // Not from a file that is not there (a typo makes no empty database to copy), nor one at an older schema.
  auto missing = rightconv_with_password({"copy", "--from", f.dir.file("no-such.db"), "--to", pg.url("rc")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no such database file") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(f.dir.file("no-such.db")));
  const std::string newest = query(db, "PRAGMA user_version")[0][0];
  query(db, "PRAGMA user_version = 3", true);
  auto old = rightconv_with_password({"copy", "--from", db, "--to", pg.url("rc")});
  CHECK(old.exit_code == 1);
  CHECK(old.err.find("is at schema version 3") != std::string::npos);
  CHECK(query(db, "PRAGMA user_version")[0][0] == "3");  // read only: the file was not migrated
  query(db, "PRAGMA user_version = " + newest, true);

  // Not from a file a server is using.
  ServerProcess running(f.dir);
  REQUIRE(running.start());
  REQUIRE(pg.psql("CREATE DATABASE rc2") == "");
  auto busy = rightconv_with_password({"copy", "--from", db, "--to", pg.url("rc2")});
  CHECK(busy.exit_code == 1);
  CHECK(busy.err.find("another rightconv server is using") != std::string::npos);
}

TEST_CASE("postgresql - staff accounts and the audit chain: concurrent writers keep one chain, audit verify finds a changed row") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  const std::string url = pg.url("rc");
  REQUIRE(rightconv_with_password({"migrate", "--db", url}).exit_code == 0);
  // Eight operators adding staff at once, each from their own process: each add writes an audit row.
  std::vector<ProcessResult> adds(8);
  std::vector<std::thread> runs;
  for (int i = 0; i < 8; ++i)
    runs.emplace_back([&adds, &url, i] { adds[i] = rightconv_with_password({"staff", "add", "worker" + std::to_string(i), "--role", "hub:east", "--db", url}); });
  for (auto& t : runs) t.join();
  for (const auto& a : adds) {
    INFO(a.err);
    CHECK(a.exit_code == 0);
    CHECK(a.out.rfind("rcs_", 0) == 0);
  }
  auto listed = rightconv_with_password({"staff", "list", "--db", url});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("worker7\thub:east") != std::string::npos);
  auto verified = rightconv_with_password({"audit", "verify", "--db", url});
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(verified.out.find("audit chain intact: 8 row(s)") != std::string::npos);
  // Someone edits a row by hand: found, with its id.
  // (The table refuses updates: the one who edits it turns its trigger off first, as its owner could.)
  CHECK(pg.psql("UPDATE audit SET actor = 'someone-else' WHERE id = 5", "rc").find("append-only") != std::string::npos);
  REQUIRE(pg.psql("ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET actor = 'someone-else' WHERE id = 5", "rc") == "");
  auto broken = rightconv_with_password({"audit", "verify", "--db", url});
  CHECK(broken.exit_code == 1);
  CHECK(broken.out.find("audit chain BROKEN at row 5") != std::string::npos);
}
