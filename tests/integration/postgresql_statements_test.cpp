// The store's own SQL (db.hpp: ?N parameters, read as text or integers) run on PostgreSQL
// through PgDb, against a real throw-away cluster: the same functions, the same answers as on
// SQLite. The outbox's claims are the first part of the store written for both.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <cstdlib>
#include <future>
#include <optional>

#include "handoff/outbox_store.hpp"
#include "pg_cluster.hpp"
#include "test_store.hpp"
#include "store/db_errors.hpp"
#include "store/pg_db.hpp"
#include "store/read_connections.hpp"
#include "store/pg_migrate.hpp"
#include "store/sqlite_conversation_log.hpp"
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
  RC_OWN_CLUSTERS();
  CHECK(store::to_postgresql_parameters("SELECT a FROM t WHERE b = ?1 AND c = ?12") == "SELECT a FROM t WHERE b = $1 AND c = $12");
  CHECK(store::to_postgresql_parameters("SELECT '?1', \"odd?name\" FROM t WHERE x = ?2 -- what ?3\n AND y = ?") ==
        "SELECT '?1', \"odd?name\" FROM t WHERE x = $2 -- what ?3\n AND y = $3");
  CHECK(store::to_postgresql_parameters("UPDATE t SET s = 'it''s ?' WHERE id = ?1") == "UPDATE t SET s = 'it''s ?' WHERE id = $1");
}

TEST_CASE("postgresql - the outbox's claims, results, listing and disabling give the same answers on PostgreSQL as on SQLite") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
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

TEST_CASE("postgresql - a claim passes over an event another instance is claiming in an open transaction, without waiting for it") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  auto first = connect(pg, "rc");
  auto second = connect(pg, "rc");
  REQUIRE(store::migrate_postgresql(*first));
  first->exec("INSERT INTO outbox (event_id, connector, conversation_id, reference, kind, payload, created_at, next_attempt_at, window_start) "
              "VALUES ('ev-1', 'crm', 'c-1', 'HO-1', 'requested', '{}', 100, 100, 100)");
  auto due = handoff::due_events(*first, 200, 10);
  REQUIRE(due.size() == 1);
  first->exec("BEGIN");  // the first instance's batch, not yet committed
  CHECK(handoff::claim_event(*first, due[0], 200, 300'000, "first"));
  // Without SKIP LOCKED the second claim would wait for the first batch to end: it must
  // answer while that batch is still open.
  std::atomic<bool> first_committed{false};
  auto second_claim = std::async(std::launch::async, [&] {
    const bool claimed = handoff::claim_event(*second, due[0], 200, 300'000, "second");
    return std::make_pair(claimed, first_committed.load());
  });
  const bool answered = second_claim.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  first_committed = true;
  first->exec("COMMIT");
  const auto [claimed, after_commit] = second_claim.get();
  CHECK(answered);
  CHECK_FALSE(after_commit);
  CHECK_FALSE(claimed);
  CHECK(pg.psql("SELECT claimed_by FROM outbox", "rc") == "first");
}

TEST_CASE("postgresql - typed parameters: NULLs of either kind, optional filters, and booleans read as 1 or 0") {
  RC_OWN_CLUSTERS();
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

namespace {

store::WriteResult write_and_wait(store::ConversationLog& log, store::Record r) {
  std::promise<store::WriteResult> done;
  auto f = done.get_future();
  log.write(std::move(r), [&done](const store::WriteResult& w) { done.set_value(w); });
  return f.get();
}

std::optional<store::StoredConversation> load_and_wait(store::ConversationLog& log, const std::string& id) {
  std::promise<std::optional<store::StoredConversation>> done;
  auto f = done.get_future();
  log.load(id, [&done](std::optional<store::StoredConversation> c, const store::WriteResult&) { done.set_value(std::move(c)); });
  return f.get();
}

store::Record start_of(const std::string& id, const std::string& reference) {
  store::Record r;
  r.start = store::NewConversation{id, "early-help", "2.0.0", "web", "hash-" + id, R"({"node":"danger"})", 1000, reference};
  r.turns.push_back({id, 1000, "danger", "out", R"([{"type":"prompt"}])"});
  return r;
}

// The conversation log's scenario, on any store behind a group-commit writer.
void conversation_log_scenario(store::GroupCommitWriter& writer) {
  store::SqliteConversationLog log(writer);
  REQUIRE(write_and_wait(log, start_of("c-1", "EH-AAAA-BBBB")).ok());
  // A second conversation may not take the same reference: refused, as an answer, not a failure.
  const auto taken = write_and_wait(log, start_of("c-2", "EH-AAAA-BBBB"));
  CHECK(taken.error == store::WriteError::reference_taken);
  // Turns and an update at the revision it was read at.
  auto found = load_and_wait(log, "c-1");
  REQUIRE(found);
  CHECK(found->reference == "EH-AAAA-BBBB");
  CHECK(found->token_hash == "hash-c-1");
  const auto revision = found->revision;
  store::Record answer;
  answer.turns.push_back({"c-1", 2000, "danger", "in", R"({"type":"answer","option":"no"})"});
  answer.updates.push_back({"c-1", R"({"node":"harm"})", store::ConversationStatus::active, std::nullopt, std::nullopt, std::string("east"),
                            std::nullopt, std::nullopt, 2000, std::nullopt, revision});
  REQUIRE(write_and_wait(log, answer).ok());
  // Another instance still at the old revision is refused: the conversation moved on.
  CHECK(write_and_wait(log, answer).error == store::WriteError::conflict);
  found = load_and_wait(log, "c-1");
  REQUIRE(found);
  CHECK(found->state == R"({"node":"harm"})");
  CHECK(found->revision == revision + 1);
  CHECK_FALSE(load_and_wait(log, "no-such-conversation"));
  // Many writes at once share transactions; a refused one does not take its neighbours down.
  std::vector<std::future<store::WriteResult>> results;
  std::vector<std::promise<store::WriteResult>> promises(40);
  for (int i = 0; i < 40; ++i) {
    results.push_back(promises[i].get_future());
    const std::string id = "many-" + std::to_string(i);
    log.write(start_of(id, i == 7 ? std::string("EH-AAAA-BBBB") : "EH-MANY-" + std::to_string(1000 + i)),
              [&p = promises[i]](const store::WriteResult& w) { p.set_value(w); });
  }
  int ok = 0, refused = 0;
  for (auto& r : results) {
    const auto w = r.get();
    ok += w.ok();
    refused += w.error == store::WriteError::reference_taken;
  }
  CHECK(ok == 39);
  CHECK(refused == 1);
}

}  // namespace

TEST_CASE("postgresql - the group-commit writer and the conversation log: commits, stale revisions and taken references as on SQLite") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  SUBCASE("postgresql") {
    store::GroupCommitWriter writer({"", true, 1000, 16, store::PostgresTarget{pg.url("rc"), PgCluster::kPassword}});
    REQUIRE(writer.start() == "");  // connects and migrates
    conversation_log_scenario(writer);
    writer.stop();
    CHECK(pg.psql("SELECT COUNT(*) FROM conversations", "rc") == "40");
    CHECK(pg.psql("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM turns WHERE conversation_id = 'c-1'", "rc") == "1,2");
  }
  SUBCASE("sqlite") {
    rc::test::TempDir dir;
    store::GroupCommitWriter writer({dir.file("same.db"), true, 1000, 16});
    REQUIRE(writer.start() == "");
    conversation_log_scenario(writer);
  }
}

TEST_CASE("postgresql - a writer whose database is down says so, and reconnects when it is back") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start(), pg.log());
  store::GroupCommitWriter writer({"", true, 1000, 16, store::PostgresTarget{pg.url(), PgCluster::kPassword}});
  REQUIRE(writer.start() == "");
  store::SqliteConversationLog log(writer);
  REQUIRE(write_and_wait(log, start_of("c-1", "EH-AAAA-CCCC")).ok());
  pg.stop();
  const auto down = write_and_wait(log, start_of("c-2", "EH-AAAA-DDDD"));
  CHECK(down.error == store::WriteError::failed);  // not acknowledged
  CHECK_FALSE(writer.last_commit_ok());
  REQUIRE(pg.start());
  // The same writer reconnects, after a pause that grows while the database stays away (writes
  // meanwhile fail at once, acknowledged as failed): a write then commits, and the lost one never did.
  store::WriteResult back{store::WriteError::failed, {}, "not tried"};
  for (int i = 0; i < 120 && !back.ok(); ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    back = write_and_wait(log, start_of("c-3", "EH-AAAA-EEEE"));
  }
  INFO(back.message);
  CHECK(back.ok());
  CHECK(writer.last_commit_ok());
  CHECK(load_and_wait(log, "c-1"));
  CHECK_FALSE(load_and_wait(log, "c-2"));
  CHECK(load_and_wait(log, "c-3"));
}

TEST_CASE("postgresql - read connections: one cut while idle is replaced before it is lent, and past the cap a request waits, then is told the database is busy") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  store::PostgresTarget target{pg.url("rc"), PgCluster::kPassword};
  target.application_name = "rightconv-reads";
  auto pool = store::ReadConnections::postgresql(target, /*keep=*/2, /*most=*/2);
  {
    auto lease = pool->get();
    CHECK((*lease).dialect() == store::Dialect::postgresql);
  }  // back in the pool, idle
  CHECK(pg.psql("SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'rightconv-reads') t") == "1");
  {
    auto lease = pool->get();  // the cut one is asked, dropped, and a new one lent
    CHECK_NOTHROW(lease->exec("SELECT 1"));
    auto second = pool->get();
    try {
      pool->get();  // a third, with two open at most: waits, then gives up
      FAIL("a third connection was lent");
    } catch (const store::DbError& e) {
      CHECK(store::is_unavailable(e));
    }
  }
  std::optional<store::ReadConnections::Lease> outlives;
  outlives.emplace(pool->get());
  pool.reset();  // the lease keeps the pool alive until it goes
  CHECK_NOTHROW((*outlives)->exec("SELECT 1"));
  outlives.reset();
}
