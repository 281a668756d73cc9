// The store's own SQL (db.hpp: ?N parameters, read as text or integers) run on PostgreSQL
// through PgDb, against a real throw-away cluster: the same functions, the same answers as on
// SQLite. The outbox's claims are the first part of the store written for both.
#include <doctest/doctest.h>

#include <cstdlib>

#include "handoff/outbox_store.hpp"
#include "pg_cluster.hpp"
#include "store/pg_db.hpp"
#include "store/pg_migrate.hpp"
#include "store/sqlite_db.hpp"
#include "server_process.hpp"

using namespace rc;
using rc::test::PgCluster;

namespace {

std::unique_ptr<store::PgDb> connect(const PgCluster& pg, const std::string& database) {
  auto db = store::PgDb::connect({pg.url(database), PgCluster::kPassword});
  REQUIRE_MESSAGE(db, (db ? "" : db.error().message));
  return std::move(db.value());
}

// The scenario of the SQLite unit tests (handoff_request_test.cpp), on any store.
void claims_scenario(store::Db& db) {
  for (const char* id : {"ev-1", "ev-2", "ev-3"})
    db.exec(std::string("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
                        "VALUES ('") + id + "', 'crm', 'c-" + id + "', 'HO-1', 'requested', '{}', 100, 100, 100)");
  auto due = handoff::due_events(db, 200, 10);
  REQUIRE(due.size() == 3);
  auto stale = handoff::due_events(db, 200, 10);
  CHECK(handoff::claim_event(db, due[0], 200, 200 + 300'000, "dead"));
  CHECK_FALSE(handoff::claim_event(db, stale[0], 201, 201 + 300'000, "other"));  // one worker only
  CHECK(handoff::claim_event(db, due[1], 200, 200 + 300'000, "me"));
  CHECK(handoff::claim_event(db, due[2], 200, 200 + 300'000, "dead"));
  CHECK(handoff::record_attempt(db, due[2], {handoff::DeliveryStatus::retry, "HTTP 503", std::nullopt}, handoff::RetryPolicy{1, 1, 3600}, 300, 0.0) ==
        handoff::OutboxStatus::pending);
  CHECK(handoff::due_events(db, 1000, 10).size() == 1);
  CHECK(handoff::release_dead_claims(db, "me", 1000) == 1);
  auto now_due = handoff::due_events(db, 1000, 10);
  REQUIRE(now_due.size() == 2);
  CHECK(now_due[0].event.event_id == "ev-3");
  CHECK(now_due[0].attempts == 1);
  CHECK(now_due[0].last_error == "HTTP 503");
  CHECK(now_due[1].event.event_id == "ev-1");
  CHECK(handoff::record_attempt(db, now_due[1], {handoff::DeliveryStatus::delivered, "HTTP 200", std::nullopt}, handoff::RetryPolicy{}, 1100, 0.5) ==
        handoff::OutboxStatus::delivered);
  CHECK(handoff::pending_count(db) == 2);
  handoff::OutboxFilter delivered;
  delivered.status = handoff::OutboxStatus::delivered;
  auto listed = handoff::list_outbox(db, delivered);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].delivered_at == 1100);
  // A peer that answered 410: disabled, its events wait; retry makes them pending and enables it.
  handoff::disable_connector(db, "crm", "the peer answered 410 Gone", 1200);
  handoff::disable_connector(db, "crm", "again", 1300);  // the second report replaces the first
  CHECK(handoff::disabled_connectors(db) == std::vector<std::string>{"crm"});
  CHECK(handoff::due_events(db, 1'000'000, 10).empty());
  CHECK(handoff::retry_failed(db, std::nullopt, std::string("crm"), 1400) == 0);  // none failed, but the connector is enabled
  CHECK(handoff::disabled_connectors(db).empty());
}

}  // namespace

TEST_CASE("postgresql - the store's ?N parameters become $N outside literals, quoted names and comments") {
  CHECK(store::to_postgresql_parameters("SELECT a FROM t WHERE b = ?1 AND c = ?12") == "SELECT a FROM t WHERE b = $1 AND c = $12");
  CHECK(store::to_postgresql_parameters("SELECT '?1', \"odd?name\" FROM t WHERE x = ?2 -- what ?3\n AND y = ?") ==
        "SELECT '?1', \"odd?name\" FROM t WHERE x = $2 -- what ?3\n AND y = $3");
  CHECK(store::to_postgresql_parameters("UPDATE t SET s = 'it''s ?' WHERE id = ?1") == "UPDATE t SET s = 'it''s ?' WHERE id = $1");
}

TEST_CASE("postgresql - the outbox's claims, results, listing and disabling give the same answers on PostgreSQL as on SQLite") {
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start(), pg.log());
  REQUIRE(pg.psql("CREATE DATABASE rc") == "");
  auto db = connect(pg, "rc");
  REQUIRE(store::migrate_postgresql(*db));
  SUBCASE("postgresql") { claims_scenario(*db); }
  SUBCASE("sqlite") {
    rc::test::TempDir dir;
    store::SqliteDb lite(dir.file("same.db"), false, 1000);
    store::migrate(lite);
    claims_scenario(lite);
  }
}

TEST_CASE("postgresql - typed parameters: NULLs of either kind, optional filters, and booleans read as 1 or 0") {
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start(), pg.log());
  auto db = connect(pg, "postgres");
  auto& q = db->prepared("SELECT ?1 IS NULL, COALESCE(?2, 7) + 1, ?3 || 'x'");
  q.bind_optional(1, std::optional<std::string>{}).bind_optional(2, std::optional<std::int64_t>{}).bind(3, std::string("a"));
  REQUIRE(q.step());
  CHECK(q.integer(0) == 1);
  CHECK(q.integer(1) == 8);
  CHECK(q.text(2) == "ax");
  CHECK_FALSE(q.step());
  q.reset();
  q.bind(1, std::string("set")).bind(2, std::int64_t{41}).bind(3, std::string("b"));  // the same prepared statement again
  REQUIRE(q.step());
  CHECK(q.integer(0) == 0);
  CHECK(q.integer(1) == 42);
  q.reset();
  db->exec("CREATE TEMP TABLE t (id BIGINT, s TEXT)");
  db->prepared("INSERT INTO t VALUES (?1, ?2), (?1 + 1, ?2)").bind(1, std::int64_t{1}).bind(2, std::string("x")).run();
  CHECK(db->changes() == 2);
  CHECK_THROWS_AS(db->prepared("SELECT nosuchcolumn FROM t").step(), store::PgError);
}
