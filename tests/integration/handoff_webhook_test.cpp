// The webhook connector end to end: the real server delivers signed events to an HTTP receiver
// the test starts on loopback (which checks the signatures itself and fails on purpose), and a
// peer's signed callbacks drive the handoff. Includes kill -9 with undelivered events.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <condition_variable>
#include <map>
#include <mutex>
#include <atomic>
#include <algorithm>
#include <thread>

#include "eventually.hpp"
#include "db_reader.hpp"
#include "handoff_support.hpp"
#include "pg_cluster.hpp"
#include "process.hpp"
#include "staff_helpers.hpp"
#include "test_store.hpp"
#include "webhook_receiver.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

struct Fixture {
  Receiver receiver;
  TempDir dir;
  ServerProcess server;
  explicit Fixture(double give_up_after = 60) : server(dir, {"--config", write_config(dir, webhook_config(receiver.port(), give_up_after))}) {
    REQUIRE(server.start());
  }
};

std::string request_handoff(unsigned short port, std::string* conversation = nullptr) {
  WsClient p(port);
  walk(p, kToEastHub, conversation);
  p.send({{"type", "handoff"}, {"reason", "Call me please"}});
  auto r = p.receive_until({"handoff"});
  REQUIRE(!r.empty());
  REQUIRE(r.back()["status"] == "requested");
  return r.back()["reference"];
}

// A signed callback to the server, as the peer would send it.
httplib::Result callback(unsigned short staff_port, const json& body, const std::string& id, long long timestamp_s, bool good_signature = true) {
  httplib::Client cli("127.0.0.1", staff_port);
  const std::string text = body.dump();
  const std::string ts = std::to_string(timestamp_s);
  httplib::Headers h{{"webhook-id", id}, {"webhook-timestamp", ts}, {"webhook-signature", good_signature ? signature(id, ts, text) : signature(id, ts, text + " ")}};
  return cli.Post("/v1/connectors/webhook/crm", h, text, "application/json");
}

long long unix_now() { return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(); }

}  // namespace

TEST_CASE("webhook - signed event - 503 twice then 200 - delivered once with one id") {
  Fixture f;
  f.receiver.script({503, 503});
  std::string conversation;
  const std::string ref = request_handoff(f.server.port(), &conversation);
  REQUIRE(f.receiver.wait_for_success("handoff.requested"));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // nothing more should arrive
  auto all = f.receiver.deliveries();
  REQUIRE(all.size() == 3);
  for (const auto& d : all) {
    CHECK(d.signature_ok);
    CHECK(d.id == all[0].id);  // the same event id: the peer's idempotency key
  }
  const json payload = json::parse(all.back().body);
  CHECK(payload["reference"] == ref);
  CHECK(payload["conversation"] == conversation);
  CHECK(payload["event_id"] == all[0].id);
  CHECK(payload["data"]["outcome"] == "hub_request_east");
  CHECK(payload["data"]["area"] == "east");
  CHECK_FALSE(payload["data"].contains("reason"));  // free text is not included unless configured
  CHECK(all.back().body.find("routines") == std::string::npos);
  CHECK(std::abs(std::stoll(all[0].timestamp) - unix_now()) < 60);
  CHECK(scalar(f.server.db(), "SELECT status || '|' || attempts FROM outbox WHERE connector = 'crm'") == "delivered|3");
}

TEST_CASE("webhook - 409 counts as delivered") {
  Fixture f;
  f.receiver.script({409});
  request_handoff(f.server.port());
  REQUIRE(f.receiver.wait_for_attempts(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(f.receiver.deliveries().size() == 1);
  CHECK(scalar(f.server.db(), "SELECT status FROM outbox WHERE connector = 'crm'") == "delivered");
}

TEST_CASE("webhook - kill -9 with an undelivered event - restart delivers it exactly once") {
  Fixture f;
  f.receiver.script(std::vector<int>(1000, 503));
  const std::string ref = request_handoff(f.server.port());
  REQUIRE(f.receiver.wait_for_attempts(2));
  CHECK(f.server.stop(9) == 128 + 9);
  CHECK(scalar(f.server.db(), "SELECT status FROM outbox WHERE connector = 'crm'") == "pending");
  f.receiver.script({});
  REQUIRE(f.server.start());
  // A bound for failure, not a speed check: a restarted sanitizer build under load took longer than 15 s.
  REQUIRE(f.receiver.wait_for_success("handoff.requested", 60000));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  int acknowledged = 0;
  for (const auto& d : f.receiver.deliveries()) acknowledged += d.answered == 200;
  CHECK(acknowledged == 1);
  CHECK(scalar(f.server.db(), "SELECT status FROM outbox WHERE connector = 'crm'") == "delivered");
  // The handoff itself survived too.
  CHECK(scalar(f.server.db(), "SELECT status FROM handoffs WHERE reference = '" + ref + "'") == "requested");
}

TEST_CASE("webhook - kill -9 while the peer has not answered - restart sends it again at once, not after the lease") {
  RC_SQLITE_ONLY("a server alone on its SQLite file; on PostgreSQL claims of a silent instance are taken back (postgresql tests)");
  Fixture f;
  f.receiver.hold();
  const std::string ref = request_handoff(f.server.port());
  REQUIRE(f.receiver.wait_for_attempts(1));  // claimed and on the wire: the claim's lease is 5 minutes
  CHECK(f.server.stop(9) == 128 + 9);
  f.receiver.release();
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM outbox WHERE connector = 'crm' AND claimed_by IS NOT NULL") == "1");
  REQUIRE(f.server.start());
  // A bound for failure far below the lease: without releasing the dead process's claim this waits 5 minutes.
  REQUIRE(f.receiver.wait_for_success("handoff.requested", 30000));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  int acknowledged = 0;
  for (const auto& d : f.receiver.deliveries()) acknowledged += d.answered / 100 == 2;
  CHECK(acknowledged == 1);
  CHECK(scalar(f.server.db(), "SELECT status || '|' || COALESCE(claimed_by, 'none') FROM outbox WHERE connector = 'crm'") == "delivered|none");
  CHECK(f.server.log().find("were being delivered when the last server stopped") != std::string::npos);
  CHECK(scalar(f.server.db(), "SELECT status FROM handoffs WHERE reference = '" + ref + "'") == "requested");
}

TEST_CASE("webhook on postgresql - an instance killed while the peer has not answered - another sends it again once the first falls silent") {
  RC_OWN_CLUSTERS();
  PgCluster pg;
  REQUIRE_MESSAGE(pg.start_with_database("rc"), pg.log());
  Receiver receiver;
  receiver.hold();
  TempDir dir, other;
  const std::string password = dir.file("db-password");
  std::ofstream(password) << PgCluster::kPassword << "\n";
  json config = webhook_config(receiver.port());
  config["db_password_file"] = password;
  const std::vector<std::string> args{"--db", pg.url("rc"), "--config", write_config(dir, config)};
  ServerProcess a(dir, args);
  REQUIRE_MESSAGE(a.start(), a.log());
  const std::string ref = request_handoff(a.port());
  REQUIRE(receiver.wait_for_attempts(1));  // claimed by A and on the wire: the claim's lease is 5 minutes
  CHECK(a.stop(9) == 128 + 9);
  receiver.release();
  CHECK(pg.psql("SELECT COUNT(*) FROM outbox WHERE connector = 'crm' AND claimed_by IS NOT NULL", "rc") == "1");
  ServerProcess b(other, args);
  REQUIRE_MESSAGE(b.start(), b.log());
  // B takes the claim back once A has been silent for its limit (seconds), far below the lease.
  REQUIRE(receiver.wait_for_success("handoff.requested", 90000));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  int acknowledged = 0;
  for (const auto& d : receiver.deliveries()) acknowledged += d.answered / 100 == 2;
  CHECK(acknowledged == 1);
  CHECK(pg.psql("SELECT status || '|' || COALESCE(claimed_by, 'none') FROM outbox WHERE connector = 'crm'", "rc") == "delivered|none");
  CHECK(b.log().find("claimed by an instance that has fallen silent") != std::string::npos);
  CHECK(pg.psql("SELECT status FROM handoffs WHERE reference = '" + ref + "'", "rc") == "requested");
  CHECK(b.stop() == 0);
}

TEST_CASE("webhook - many practitioners messaging during handoffs at once - every event answered 2xx exactly once, in order per conversation") {
  Fixture f;
  std::vector<int> some_failures;
  for (int i = 0; i < 40; ++i) some_failures.push_back(i % 3 == 0 ? 503 : 200);
  f.receiver.script(some_failures);
  constexpr int kPractitioners = 12, kMessages = 6;
  std::vector<std::thread> people;
  std::atomic<int> sent{0};
  for (int p = 0; p < kPractitioners; ++p)
    people.emplace_back([&f, &sent, p] {
      WsClient c(f.server.port());
      walk(c, kToEastHub);
      c.send({{"type", "handoff"}, {"reason", "Call me please"}});
      if (c.receive_until({"handoff"}).empty()) return;
      for (int m = 0; m < kMessages; ++m) {
        c.send({{"type", "message"}, {"text", "message " + std::to_string(m) + " from " + std::to_string(p)}});
        sent++;
      }
      c.receive_until({"never"}, 300);  // let the last messages land before the socket closes
    });
  for (auto& t : people) t.join();
  REQUIRE(sent == kPractitioners * kMessages);
  // Each request and each message is an event for the peer; a loaded machine may still be writing the last ones.
  const int expected = kPractitioners * (1 + kMessages);
  auto events_now = [&] { return std::stoi(scalar(f.server.db(), "SELECT COUNT(*) FROM outbox WHERE connector = 'crm'")); };
  for (int i = 0; i < 600 && events_now() < expected; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int events = events_now();
  REQUIRE(events >= expected);
  // Every event delivered: wait until the outbox is empty of pending ones.
  for (int i = 0; i < 600 && scalar(f.server.db(), "SELECT COUNT(*) FROM outbox WHERE connector = 'crm' AND status <> 'delivered'") != "0"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(scalar(f.server.db(), "SELECT COUNT(*) FROM outbox WHERE connector = 'crm' AND status <> 'delivered'") == "0");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more should arrive
  std::map<std::string, int> acknowledged;
  std::map<std::string, std::vector<long long>> created_in_order;  // per conversation, as delivered
  for (const auto& d : f.receiver.deliveries()) {
    if (d.answered / 100 != 2) continue;
    acknowledged[d.id]++;
    const json body = json::parse(d.body);
    created_in_order[body["conversation"].get<std::string>()].push_back(std::stoll(scalar(
        f.server.db(), "SELECT id FROM outbox WHERE event_id = '" + d.id + "'")));
  }
  CHECK(static_cast<int>(acknowledged.size()) == events);
  for (const auto& [id, times] : acknowledged) {
    CAPTURE(id);
    CHECK(times == 1);
  }
  for (const auto& [conversation, ids] : created_in_order) {
    CAPTURE(conversation);
    CHECK(std::is_sorted(ids.begin(), ids.end()));
  }
}

TEST_CASE("webhook - 410 disables the connector with an alert - outbox retry enables it again") {
  Fixture f;
  f.receiver.script({410});
  request_handoff(f.server.port());
  REQUIRE(f.receiver.wait_for_attempts(1));
  eventually([&] { return scalar(f.server.db(), "SELECT status FROM outbox WHERE connector = 'crm'") == "failed" &&
                          f.server.log().find("ALERT") != std::string::npos; }, 60);
  CHECK(scalar(f.server.db(), "SELECT status FROM outbox WHERE connector = 'crm'") == "failed");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM connector_state WHERE name = 'crm' AND disabled_at IS NOT NULL") == "1");
  CHECK(f.server.log().find("ALERT") != std::string::npos);
  auto listed = run_process(RC_BINARY, {"outbox", "list", "--db", f.server.db()});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("connector crm is DISABLED") != std::string::npos);
  CHECK(listed.out.find("failed") != std::string::npos);
  // Events for a disabled connector wait; once retried they go.
  auto retried = run_process(RC_BINARY, {"outbox", "retry", "--connector", "crm", "--db", f.server.db()});
  CHECK(retried.exit_code == 0);
  CHECK(retried.out.find("retrying 1 event(s)") != std::string::npos);
  REQUIRE(f.receiver.wait_for_success("handoff.requested"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(scalar(f.server.db(), "SELECT status FROM outbox WHERE connector = 'crm'") == "delivered");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM audit WHERE action = 'outbox_retry'") == "1");
  auto bad = run_process(RC_BINARY, {"outbox", "retry", "--db", f.server.db()});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("webhook callbacks - accept message and end drive the chat - bad signatures and stale timestamps refused - duplicates ignored") {
  Fixture f;
  WsClient p(f.server.port());
  walk(p, kToEastHub);
  p.send({{"type", "handoff"}});
  const std::string ref = p.receive_until({"handoff"}).back()["reference"];

  const json accept{{"type", "accepted"}, {"reference", ref}, {"by", {{"id", "4711"}, {"name", "Sam (East hub)"}}}};
  auto bad_sig = callback(f.server.staff_port(), accept, "msg_1", unix_now(), false);
  REQUIRE(bad_sig);
  CHECK(bad_sig->status == 401);
  auto stale = callback(f.server.staff_port(), accept, "msg_1", unix_now() - 400);
  REQUIRE(stale);
  CHECK(stale->status == 400);
  CHECK(scalar(f.server.db(), "SELECT status FROM handoffs WHERE reference = '" + ref + "'") == "requested");

  auto ok = callback(f.server.staff_port(), accept, "msg_1", unix_now());
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto to_p = p.receive_until({"handoff"});
  REQUIRE(!to_p.empty());
  CHECK(to_p.back()["status"] == "accepted");
  CHECK(to_p.back()["name"] == "Sam (East hub)");
  auto dup = callback(f.server.staff_port(), accept, "msg_1", unix_now());
  REQUIRE(dup);
  CHECK(dup->status == 200);
  CHECK(json::parse(dup->body)["duplicate"] == true);
  auto again = callback(f.server.staff_port(), accept, "msg_2", unix_now());
  CHECK(again->status == 409);  // a new id, but it is no longer waiting

  auto msg = callback(f.server.staff_port(), {{"type", "message"}, {"reference", ref}, {"by", {{"id", "4711"}, {"name", "Sam (East hub)"}}}, {"text", "Hi, Sam here"}},
                      "msg_3", unix_now());
  CHECK(msg->status == 200);
  auto m = p.receive_until({"message"});
  REQUIRE(!m.empty());
  CHECK(m.back()["text"] == "Hi, Sam here");
  CHECK(m.back()["name"] == "Sam (East hub)");

  // The practitioner's reply goes out through the outbox (text withheld: free text is off).
  p.send({{"type", "message"}, {"text", "Thank you"}});
  REQUIRE(f.receiver.wait_for_success("handoff.message"));
  for (const auto& d : f.receiver.deliveries())
    if (json::parse(d.body)["type"] == "handoff.message") {
      CHECK(json::parse(d.body)["data"]["text"].is_null());
      CHECK(json::parse(d.body)["data"]["text_withheld"] == true);
    }

  auto end = callback(f.server.staff_port(), {{"type", "ended"}, {"reference", ref}, {"by", {{"id", "4711"}, {"name", "Sam (East hub)"}}}, {"note", "done"}},
                      "msg_4", unix_now());
  CHECK(end->status == 200);
  auto ended = p.receive_until({"outcome"});
  REQUIRE(find_type(ended, "handoff"));
  CHECK((*find_type(ended, "handoff"))["status"] == "ended");
  auto unknown = callback(f.server.staff_port(), {{"type", "accepted"}, {"reference", "HO-ZZZZ-ZZZZ"}, {"by", {{"id", "1"}, {"name", "X"}}}}, "msg_5", unix_now());
  CHECK(unknown->status == 404);
}

TEST_CASE("webhook - a peer failing past the retry window - the event fails with an alert and stays listed") {
  Fixture f(1);
  f.receiver.script(std::vector<int>(1000, 500));
  request_handoff(f.server.port());
  // The worker records the failure, then logs the alert: wait for both (a loaded machine can
  // read the database between the two).
  eventually([&] { return scalar(f.server.db(), "SELECT status FROM outbox WHERE connector = 'crm'") == "failed" &&
                          f.server.log().find("ALERT outbox: gave up") != std::string::npos; }, 60);
  CHECK(scalar(f.server.db(), "SELECT status FROM outbox WHERE connector = 'crm'") == "failed");
  CHECK(scalar(f.server.db(), "SELECT last_error FROM outbox WHERE connector = 'crm'") == "HTTP 500");
  CHECK(f.server.log().find("ALERT outbox: gave up") != std::string::npos);
  // How many attempts fit in the one-second window depends on the machine's load: at least one,
  // and each one the peer saw is counted on the event.
  CHECK(f.receiver.deliveries().size() >= 1);
  CHECK(scalar(f.server.db(), "SELECT attempts FROM outbox WHERE connector = 'crm'") == std::to_string(f.receiver.deliveries().size()));
  // The connector itself stays enabled: only this event failed.
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM connector_state") == "0");
  auto listed = run_process(RC_BINARY, {"outbox", "list", "--status", "failed", "--json", "--db", f.server.db()});
  REQUIRE(listed.exit_code == 0);
  CHECK(json::parse(listed.out)["events"].size() == 1);
}
