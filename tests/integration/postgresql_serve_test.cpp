// `rightconv serve` on PostgreSQL: a real throw-away cluster (pg_cluster.hpp), real servers on
// loopback, a practitioner and hub staff on real WebSockets and the staff API over HTTP, and
// the rows read back from PostgreSQL itself.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "eventually.hpp"
#include "handoff_support.hpp"
#include "pg_serve.hpp"
#include "test_store.hpp"
#include "process.hpp"
#include "server_process.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

// Whether one of the console's next few queue pushes lists the handoff.
bool queue_shows(Console& console, const std::string& reference) {
  for (int i = 0; i < 5; ++i) {
    auto q = console.next("queue");
    if (!q) return false;
    if (find_item(*q, reference)) return true;
  }
  return false;
}

json get_json(unsigned short port, const std::string& target, const std::string& token, int* status = nullptr) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get(target, {{"Authorization", "Bearer " + token}});
  if (status) *status = r ? r->status : 0;
  if (!r || r->status != 200) return nullptr;
  return json::parse(r->body, nullptr, false);
}

// Waits (polling, no wall-clock assertion) until /readyz answers `status`; false after `seconds`.
bool readyz_becomes(unsigned short port, int status, int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (http_get(port, "/readyz") == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("postgresql serve - a conversation, a handoff to hub staff and the staff API, every row in PostgreSQL") {
  RC_OWN_CLUSTERS();
  OneInstance s;
  ServerProcess& server = s.server;
  CHECK(server.log().find("pg-test-secret") == std::string::npos);
  CHECK(server.log().find(s.url) != std::string::npos);  // says which database it serves
  const std::string east = s.staff("eve", "hub:east");
  const std::string admin = s.staff("ada", "admin");

  Console staff(server.console_port());
  CHECK(staff.sign_in(east)["items"].empty());
  WsClient p(server.port());
  std::string conversation;
  walk(p, kToEastHub, &conversation);
  CHECK(s.sql("SELECT outcome || '|' || area FROM conversations WHERE id = '" + conversation + "'") == "hub_request_east|east");
  CHECK(s.sql("SELECT COUNT(*) > 10 FROM turns WHERE conversation_id = '" + conversation + "'") == "t");

  // Asked for a person: the console hears of it, accepts, and the chat flows both ways.
  p.send({{"type", "handoff"}, {"reason", "Please call me back on 07700 900456"}});
  auto asked = p.receive_until({"handoff"});
  REQUIRE(!asked.empty());
  REQUIRE(asked.back()["status"] == "requested");
  const std::string ref = asked.back()["reference"];
  auto q = staff.next("queue");
  REQUIRE(q);
  REQUIRE(find_item(*q, ref));
  auto accepted = staff.call({{"type", "accept"}, {"reference", ref}}, "a1");
  REQUIRE(accepted);
  CHECK((*accepted)["type"] == "accepted");
  CHECK((*accepted)["transcript"]["turns"].size() > 5);
  REQUIRE(!p.receive_until({"handoff"}).empty());
  p.send({{"type", "message"}, {"text", "Thanks, my number is 07700 900123"}});
  REQUIRE(!p.receive_until({"message"}).empty());  // the practitioner's own, as logged
  auto at_staff = staff.next("message");
  REQUIRE(at_staff);
  CHECK((*at_staff)["text"].get<std::string>().find("07700") == std::string::npos);  // redacted before anyone sees it
  auto sent = staff.call({{"type", "message"}, {"reference", ref}, {"text", "Hello, I can help with the form."}}, "m1");
  REQUIRE(sent);
  auto at_p = p.receive_until({"message"});
  REQUIRE(!at_p.empty());
  CHECK(at_p.back()["text"] == "Hello, I can help with the form.");
  auto ended = staff.call({{"type", "end"}, {"reference", ref}, {"note", "Talked it through"}}, "e1");
  REQUIRE(ended);
  CHECK((*ended)["type"] == "ended");
  CHECK(s.sql("SELECT status || '|' || accepted_by || '|' || wrap_up FROM handoffs WHERE reference = '" + ref + "'") == "ended|eve|Talked it through");
  CHECK(s.sql("SELECT COUNT(*) FROM turns WHERE conversation_id = '" + conversation + "' AND message LIKE '%Hello, I can help%'") == "1");
  CHECK(s.sql("SELECT COUNT(*) FROM turns WHERE message LIKE '%900456%' OR message LIKE '%900123%'") == "0");

  // The staff API reads PostgreSQL too: the list (in scope), the transcript, the statistics.
  json list = get_json(server.staff_port(), "/v1/conversations", east);
  REQUIRE(list.is_object());
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["id"] == conversation);
  json found = get_json(server.staff_port(), "/v1/conversations?q=routines", east);
  REQUIRE(found.is_object());
  CHECK(found["items"].size() == 1);  // searched in the typed answers (JSON in a text column)
  json transcript = get_json(server.staff_port(), "/v1/conversations/" + conversation, east);
  REQUIRE(transcript.is_object());
  CHECK(transcript["turns"].size() > 10);
  json stats = get_json(server.staff_port(), "/v1/stats", admin);
  REQUIRE(stats.is_object());
  CHECK(stats["total"] == 1);
  CHECK(stats["by_area"]["east"] == 1);
  CHECK(stats["by_hour"].size() == 1);
  CHECK(stats["by_weekday"].size() == 1);
  CHECK(stats["by_day"].size() == 1);
  CHECK(stats["handoffs"]["accepted"] == 1);
  // Every read was audited, in one chain that verifies.
  CHECK(s.sql("SELECT COUNT(*) FROM audit WHERE actor = 'eve' AND action = 'read' AND target LIKE '%" + conversation + "%'") != "0");
  auto verify = run_process(RC_BINARY, {"audit", "verify", "--db", s.url, "--config", s.config});
  INFO(verify.out, verify.err);
  CHECK(verify.exit_code == 0);
  CHECK(server.stop() == 0);
}

TEST_CASE("postgresql serve - two instances on one database, one killed: its practitioner resumes on the other at the same place") {
  RC_OWN_CLUSTERS();
  TwoInstances s;  // no file lock: any number share a PostgreSQL database
  ServerProcess &a = s.a, &b = s.b;

  WsClient p(a.port());
  std::string conversation, token;
  auto replies = walk(p, {"no", "no", "yes"}, &conversation, &token);
  const std::string node = replies.back()["node"];
  a.stop(9);

  WsClient again(b.port());
  auto back = again.request({{"type", "resume"}, {"conversation", conversation}, {"token", token}});
  REQUIRE(!back.empty());
  CHECK(back.back()["type"] == "prompt");
  CHECK(back.back()["node"] == node);
  auto on = again.request({{"type", "answer"}, {"node", node}, {"option", "agree"}});
  REQUIRE(!on.empty());
  CHECK(on.back()["type"] == "prompt");
  CHECK(on.back()["node"] != node);
  CHECK(s.sql("SELECT COUNT(*) FROM turns WHERE conversation_id = '" + conversation + "' AND direction = 'in' AND message LIKE '%agree%'") == "1");
  CHECK(b.stop() == 0);
}

TEST_CASE("postgresql serve - /readyz is false while the database is down, and the server carries on when it is back") {
  RC_OWN_CLUSTERS();
  OneInstance s;
  ServerProcess& server = s.server;
  REQUIRE(readyz_becomes(server.port(), 200, 30));

  s.pg.stop();
  CHECK(readyz_becomes(server.port(), 503, 60));
  WsClient refused(server.port());
  REQUIRE(refused.connected());
  refused.send({{"type", "start"}, {"dialog", "early-help"}});
  auto busy = refused.receive(30000);
  INFO(server.log());
  REQUIRE(busy);
  CHECK((*busy)["code"] == "server_busy");  // nothing is acknowledged that was not committed

  REQUIRE_MESSAGE(s.pg.start(), s.pg.log());
  CHECK(readyz_becomes(server.port(), 200, 60));
  WsClient p(server.port());
  std::string conversation;
  walk(p, {"no", "yes"}, &conversation);
  CHECK(s.sql("SELECT outcome FROM conversations WHERE id = '" + conversation + "'") == "duty_and_advice");
  CHECK(server.log().find("the database is back") != std::string::npos);
  CHECK(server.stop() == 0);
}

TEST_CASE("postgresql serve - a handoff asked for on one instance is accepted from a console on the other, and the chat flows both ways") {
  RC_OWN_CLUSTERS();
  TwoInstances s;
  ServerProcess &a = s.a, &b = s.b;
  const std::string east = s.staff("eve", "hub:east");
  const std::string admin = s.staff("ada", "admin");

  // Two workers, one on each instance, both see the queue.
  Console on_b(b.console_port()), on_a(a.console_port());
  CHECK(on_b.sign_in(east)["items"].empty());
  CHECK(on_a.sign_in(admin)["items"].empty());
  WsClient p(a.port());
  std::string conversation;
  walk(p, kToEastHub, &conversation);
  const auto asked_at = std::chrono::steady_clock::now();
  p.send({{"type", "handoff"}, {"reason", "Could someone talk this through with me?"}});
  auto asked = p.receive_until({"handoff"});
  REQUIRE(!asked.empty());
  REQUIRE(asked.back()["status"] == "requested");
  const std::string ref = asked.back()["reference"];
  CHECK(queue_shows(on_b, ref));  // the other instance heard of it
  // Reported, never asserted (a loaded machine is slower): the issue's aim is 200 ms.
  MESSAGE("asked on A, in a console's queue on B after "
          << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - asked_at).count() << " ms");
  CHECK(queue_shows(on_a, ref));

  // Both accept at once: exactly one wins, across instances.
  on_b.ws.send({{"type", "accept"}, {"reference", ref}, {"ref", "x"}});
  on_a.ws.send({{"type", "accept"}, {"reference", ref}, {"ref", "x"}});
  auto rb = on_b.ws.receive_until({"accepted", "error"});
  auto ra = on_a.ws.receive_until({"accepted", "error"});
  REQUIRE(!rb.empty());
  REQUIRE(!ra.empty());
  CHECK((rb.back()["type"] == "accepted") + (ra.back()["type"] == "accepted") == 1);
  Console& worker = rb.back()["type"] == "accepted" ? on_b : on_a;
  const std::string name = rb.back()["type"] == "accepted" ? "eve (test)" : "ada (test)";
  CHECK(s.sql("SELECT COUNT(*) FROM turns WHERE message LIKE '%\"status\":\"accepted\"%'") == "1");

  // The practitioner on A hears it, whichever instance the worker is on, and they talk.
  auto to_p = p.receive_until({"handoff"});
  REQUIRE(!to_p.empty());
  CHECK(to_p.back()["status"] == "accepted");
  CHECK(to_p.back()["name"] == name);
  p.send({{"type", "message"}, {"text", "Thank you. It is about the routines at home."}});
  REQUIRE(!p.receive_until({"message"}).empty());  // the practitioner's own, as logged
  auto at_worker = worker.next("message");
  REQUIRE(at_worker);
  CHECK((*at_worker)["reference"] == ref);
  CHECK((*at_worker)["text"] == "Thank you. It is about the routines at home.");
  auto sent = worker.call({{"type", "message"}, {"reference", ref}, {"text", "I can help with the request form."}}, "m1");
  REQUIRE(sent);
  CHECK((*sent)["type"] == "sent");
  auto at_p = p.receive_until({"message"});
  REQUIRE(!at_p.empty());
  CHECK(at_p.back()["from"] == "staff");
  CHECK(at_p.back()["text"] == "I can help with the request form.");
  auto ended = worker.call({{"type", "end"}, {"reference", ref}, {"note", "Helped with the form"}}, "e1");
  REQUIRE(ended);
  CHECK((*ended)["type"] == "ended");
  auto back = p.receive_until({"outcome", "prompt"});
  REQUIRE(!back.empty());
  REQUIRE(find_type(back, "handoff"));
  CHECK((*find_type(back, "handoff"))["status"] == "ended");
  CHECK(s.sql("SELECT status FROM handoffs WHERE reference = '" + ref + "'") == "ended");
  CHECK(a.stop() == 0);
  CHECK(b.stop() == 0);
}

TEST_CASE("postgresql serve - the connection that listens for news is cut: it reconnects, and news of a handoff still reaches the other instance") {
  RC_OWN_CLUSTERS();
  TwoInstances s;
  ServerProcess &a = s.a, &b = s.b;
  const std::string east = s.staff("eve", "hub:east");
  Console on_b(b.console_port());
  CHECK(on_b.sign_in(east)["items"].empty());
  WsClient p(a.port());
  walk(p, kToEastHub);

  // Both instances' listening connections go (as in a fail-over); the handoff is asked for at
  // once, so it is committed while B is not listening: B reads it back when it reconnects.
  CHECK(s.sql("SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
              "WHERE application_name = 'rightconv-relay' AND datname = 'rc') t") == "2");
  p.send({{"type", "handoff"}, {"reason", "Could someone call me?"}});
  auto asked = p.receive_until({"handoff"});
  REQUIRE(!asked.empty());
  REQUIRE(asked.back()["status"] == "requested");
  const std::string ref = asked.back()["reference"];
  CHECK(queue_shows(on_b, ref));
  CHECK(b.log().find("handoff news from other instances: connection lost") != std::string::npos);
  CHECK(a.stop() == 0);
  CHECK(b.stop() == 0);
}

namespace {

// Whether a console signing in now on `port` lists the handoff with its practitioner online
// (nullopt: not listed at all).
std::optional<bool> online_in_first_queue(unsigned short port, const std::string& token, const std::string& reference) {
  Console c(port);
  const json queue = c.sign_in(token);
  const json* item = find_item(queue, reference);
  if (!item) return std::nullopt;
  return item->value("online", false);
}

std::string ask_for_a_person(WsClient& p) {
  walk(p, kToEastHub);
  p.send({{"type", "handoff"}, {"reason", "Could someone call me?"}});
  auto asked = p.receive_until({"handoff"});
  REQUIRE(!asked.empty());
  REQUIRE(asked.back()["status"] == "requested");
  return asked.back()["reference"];
}

}  // namespace

TEST_CASE("postgresql serve - a practitioner connected to one instance is online in a console on the other, and offline once they leave or their instance dies") {
  RC_OWN_CLUSTERS();
  TwoInstances s;
  const std::string east = s.staff("eve", "hub:east");
  const unsigned short b_console = s.b.console_port();

  auto leaving = std::make_unique<WsClient>(s.a.port());
  const std::string first = ask_for_a_person(*leaving);
  CHECK(eventually([&] { return online_in_first_queue(b_console, east, first) == true; }, 60));
  leaving.reset();  // the practitioner closes the page
  CHECK(eventually([&] { return online_in_first_queue(b_console, east, first) == false; }, 60));

  WsClient staying(s.a.port());
  const std::string second = ask_for_a_person(staying);
  CHECK(eventually([&] { return online_in_first_queue(b_console, east, second) == true; }, 60));
  CHECK(s.sql("SELECT COUNT(*) FROM practitioner_presence") == "1");
  // Their instance dies with them connected: once it has been silent for the limit, B no longer
  // counts them (its row stays until the instance is forgotten).
  CHECK(s.a.stop(9) == 128 + 9);
  CHECK(eventually([&] { return online_in_first_queue(b_console, east, second) == false; }, 90));
  CHECK(s.b.stop() == 0);
}

TEST_CASE("postgresql serve - a NUL character in a chat or console message is refused with a clear error, so search and statistics keep working") {
  RC_OWN_CLUSTERS();
  OneInstance s;
  ServerProcess& server = s.server;
  const std::string admin = s.staff("ada", "admin");
  WsClient p(server.port());
  auto replies = walk(p, {"no", "no", "yes", "agree", "no", "multi"});
  const std::string node = replies.back()["node"];
  // PostgreSQL's jsonb refuses \u0000: one such answer logged would break every JSON read of the log.
  p.send_text(R"({"type":"answer","node":")" + node + R"(","text":"routines\u0000at home","ref":"n1"})");
  auto refused = p.receive(10000);
  REQUIRE(refused);
  CHECK((*refused)["type"] == "error");
  CHECK((*refused)["code"] == "bad_message");
  CHECK((*refused)["ref"] == "n1");
  CHECK((*refused)["message"].get<std::string>().find("NUL") != std::string::npos);
  auto on = p.request({{"type", "answer"}, {"node", node}, {"text", "routines at home"}});  // the connection carries on
  REQUIRE(!on.empty());
  CHECK(on.back()["node"] != node);

  Console staff(server.console_port());
  staff.sign_in(admin);
  staff.ws.send_text(R"({"type":"message","reference":"HO-XXXX-XXXX","text":"a\u0000b","ref":"s1"})");
  auto console_refused = staff.ws.receive_until({"error"});
  REQUIRE(!console_refused.empty());
  CHECK(console_refused.back()["code"] == "bad_message");

  CHECK(s.sql("SELECT COUNT(*) FROM turns WHERE strpos(message, '\\u0000') > 0") == "0");
  int status = 0;
  json found = get_json(server.staff_port(), "/v1/conversations?q=routines", admin, &status);
  CHECK(status == 200);
  REQUIRE(found.is_object());
  CHECK(found["items"].size() == 1);
  CHECK(get_json(server.staff_port(), "/v1/stats", admin, &status).is_object());
  CHECK(status == 200);
  CHECK(server.stop() == 0);
}

TEST_CASE("postgresql serve - the staff API answers 500 for a statement the database refused and 503 while the database is unreachable") {
  RC_OWN_CLUSTERS();
  OneInstance s;
  ServerProcess& server = s.server;
  const std::string admin = s.staff("ada", "admin");
  WsClient p(server.port());
  std::string conversation;
  walk(p, kToDutyAndAdvice, &conversation);
  int status = 0;
  CHECK(get_json(server.staff_port(), "/v1/conversations/" + conversation, admin, &status).is_object());
  CHECK(status == 200);

  // A schema the server does not expect (a fault to look into, not a moment to wait out).
  REQUIRE(s.sql("ALTER TABLE turns RENAME TO turns_elsewhere") == "");
  get_json(server.staff_port(), "/v1/conversations/" + conversation, admin, &status);
  CHECK(status == 500);
  REQUIRE(s.sql("ALTER TABLE turns_elsewhere RENAME TO turns") == "");

  s.pg.stop();
  get_json(server.staff_port(), "/v1/conversations/" + conversation, admin, &status);
  CHECK(status == 503);
  CHECK(server.log().find(PgCluster::kPassword) == std::string::npos);
  CHECK(server.stop() == 0);
}
