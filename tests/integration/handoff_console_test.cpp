// Handing a conversation to a person through the staff console: a real server, a practitioner
// and staff on real WebSockets, the SQLite file read back.
#include <doctest/doctest.h>
#include <httplib.h>

#include <thread>

#include "db_reader.hpp"
#include "handoff_support.hpp"
#include "staff_helpers.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

using Fixture = HandoffFixture;

// Asks for a person at the East hub outcome; returns the handoff reference.
std::string request_at_east(WsClient& p, std::string* conversation = nullptr) {
  walk(p, kToEastHub, conversation);
  p.send({{"type", "handoff"}, {"reason", "Please call me back on 07700 900456"}});
  auto replies = p.receive_until({"handoff"});
  REQUIRE(!replies.empty());
  const json& h = replies.back();
  REQUIRE(h["status"] == "requested");
  CHECK(h["wait_seconds"] == 120);
  CHECK(h["at"].get<std::string>().size() == 20);  // "2026-12-02T10:32:05Z": when it was asked for
  return h["reference"];
}

// A time the database logged (ms since the epoch), as the protocol writes it: "2026-12-02T10:32:05Z".
std::string logged_time(const std::string& db, const std::string& select_ms) {
  return scalar(db, "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', (" + select_ms + ") / 1000, 'unixepoch')");
}

}  // namespace

TEST_CASE("handoff - east staff accept - messages both ways are logged - staff end - practitioner carries on") {
  Fixture f;
  Console staff(f.server.console_port());
  CHECK(staff.sign_in(f.east)["items"].empty());

  WsClient p(f.server.port());
  std::string conversation;
  const std::string ref = request_at_east(p, &conversation);
  CHECK(ref.size() == 12);
  CHECK(ref.rfind("HO-", 0) == 0);

  // The console hears of it and its queue shows the path and outcome (no free text).
  auto q = staff.next("queue");
  REQUIRE(q);
  const json* item = find_item(*q, ref);
  REQUIRE(item);
  CHECK((*item)["status"] == "requested");
  CHECK((*item)["item"]["outcome"] == "hub_request_east");
  CHECK((*item)["item"]["area"] == "east");
  CHECK((*item)["item"].dump().find("routines") == std::string::npos);
  CHECK((*item)["item"].dump().find("900456") == std::string::npos);
  // The conversation's readable reference, which the practitioner can read out, is on the card.
  const std::string readable = scalar(f.server.db(), "SELECT reference FROM conversations WHERE id = '" + conversation + "'");
  CHECK(readable.rfind("EH-", 0) == 0);
  CHECK((*item)["conversation_reference"] == readable);

  auto accepted = staff.call({{"type", "accept"}, {"reference", ref}}, "a1");
  REQUIRE(accepted);
  CHECK((*accepted)["type"] == "accepted");
  CHECK((*accepted)["conversation"] == conversation);
  CHECK((*accepted)["transcript"]["reference"] == readable);
  CHECK((*accepted)["transcript"]["turns"].size() > 5);

  auto to_p = p.receive_until({"handoff"});
  REQUIRE(!to_p.empty());
  CHECK(to_p.back()["status"] == "accepted");
  CHECK(to_p.back()["name"] == "eve (test)");
  // Every handoff frame and message carries the time it was logged.
  const std::string db = f.server.db();
  const std::string handoff_row = " FROM handoffs WHERE reference = '" + ref + "'";
  CHECK(to_p.back()["at"] == logged_time(db, "SELECT accepted_at" + handoff_row));

  // Practitioner -> staff, redacted before anyone sees it.
  p.send({{"type", "message"}, {"text", "Thanks. My number is 07700 900123"}});
  auto echo = p.receive_until({"message"});
  REQUIRE(!echo.empty());
  CHECK(echo.back()["from"] == "practitioner");
  CHECK(echo.back()["text"].get<std::string>().find("07700") == std::string::npos);
  const std::string echo_row = " FROM turns WHERE conversation_id = '" + conversation + "' AND message LIKE '%\"from\":\"practitioner\"%'";
  CHECK(echo.back()["at"] == logged_time(db, "SELECT at" + echo_row));
  auto at_staff = staff.next("message");
  REQUIRE(at_staff);
  CHECK((*at_staff)["reference"] == ref);
  CHECK((*at_staff)["from"] == "practitioner");
  CHECK((*at_staff)["text"] == echo.back()["text"]);
  CHECK((*at_staff)["at"] == echo.back()["at"]);  // the console sees the same logged time

  // Staff -> practitioner.
  auto sent = staff.call({{"type", "message"}, {"reference", ref}, {"text", "Hello, I can help with the request form."}}, "m1");
  REQUIRE(sent);
  CHECK((*sent)["type"] == "sent");
  auto at_p = p.receive_until({"message"});
  REQUIRE(!at_p.empty());
  CHECK(at_p.back()["from"] == "staff");
  CHECK(at_p.back()["name"] == "eve (test)");
  CHECK(at_p.back()["text"] == "Hello, I can help with the request form.");
  CHECK(at_p.back()["at"] == logged_time(db, "SELECT at FROM turns WHERE conversation_id = '" + conversation + "' AND message LIKE '%Hello, I can help%'"));

  // Staff end with a wrap-up note: the practitioner is back at the outcome and can carry on.
  auto ended = staff.call({{"type", "end"}, {"reference", ref}, {"note", "Talked through the form"}}, "e1");
  REQUIRE(ended);
  CHECK((*ended)["type"] == "ended");
  auto back = p.receive_until({"outcome", "prompt"});
  REQUIRE(back.size() >= 2);
  CHECK(find_type(back, "handoff"));
  CHECK((*find_type(back, "handoff"))["status"] == "ended");
  CHECK((*find_type(back, "handoff"))["at"] == logged_time(db, "SELECT ended_at" + handoff_row));
  CHECK(back.back()["type"] == "outcome");
  auto again = p.request({{"type", "back"}});
  CHECK(again.back()["type"] == "prompt");  // the script answers again

  // Everything is in the log.
  CHECK(scalar(db, "SELECT status || '|' || accepted_by || '|' || wrap_up FROM handoffs WHERE reference = '" + ref + "'") ==
        "ended|eve|Talked through the form");
  CHECK(scalar(db, "SELECT status FROM conversations WHERE id = '" + conversation + "'") == "handed_off");
  CHECK(scalar(db, "SELECT COUNT(*) FROM turns WHERE conversation_id = '" + conversation + "' AND message LIKE '%Hello, I can help%'") == "1");
  CHECK(scalar(db, "SELECT COUNT(*) FROM turns WHERE conversation_id = '" + conversation + "' AND message LIKE '%07700%'") == "0");
  CHECK(scalar(db, "SELECT COUNT(*) FROM turns WHERE message LIKE '%900456%'") == "0");
  CHECK(scalar(db, "SELECT COUNT(*) FROM handoffs WHERE reason LIKE '%900456%'") == "0");
  CHECK(scalar(db, "SELECT COUNT(*) FROM audit WHERE actor = 'eve' AND action = 'read' AND target LIKE '%" + conversation + "%'") == "1");
  // The console connector's events were delivered (the queue is the database).
  CHECK(scalar(db, "SELECT COUNT(*) FROM outbox WHERE reference = '" + ref + "' AND status != 'delivered'") == "0");
}

TEST_CASE("handoff - two staff accept at once - exactly one wins") {
  Fixture f;
  Console a(f.server.console_port()), b(f.server.console_port());
  a.sign_in(f.east);
  b.sign_in(f.admin);
  WsClient p(f.server.port());
  const std::string ref = request_at_east(p);
  a.next("queue");
  b.next("queue");
  a.ws.send({{"type", "accept"}, {"reference", ref}, {"ref", "x"}});
  b.ws.send({{"type", "accept"}, {"reference", ref}, {"ref", "x"}});
  auto ra = a.ws.receive_until({"accepted", "error"});
  auto rb = b.ws.receive_until({"accepted", "error"});
  REQUIRE(!ra.empty());
  REQUIRE(!rb.empty());
  const int wins = (ra.back()["type"] == "accepted") + (rb.back()["type"] == "accepted");
  CHECK(wins == 1);
  const json& loser = ra.back()["type"] == "error" ? ra.back() : rb.back();
  CHECK(loser["code"] == "not_waiting");
  auto to_p = p.receive_until({"handoff"});
  REQUIRE(!to_p.empty());
  CHECK(to_p.back()["status"] == "accepted");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE message LIKE '%\"status\":\"accepted\"%'") == "1");
}

TEST_CASE("handoff - hub staff see only their hub - a reference outside it is unknown") {
  Fixture f;
  Console west(f.server.console_port());
  west.sign_in(f.west);
  WsClient p(f.server.port());
  const std::string ref = request_at_east(p);
  auto q = west.call({{"type", "queue"}}, "q");
  REQUIRE(q);
  CHECK(find_item(*q, ref) == nullptr);
  auto r = west.call({{"type", "accept"}, {"reference", ref}}, "a");
  REQUIRE(r);
  CHECK((*r)["code"] == "unknown_reference");
  auto o = west.call({{"type", "open"}, {"reference", ref}}, "o");
  CHECK((*o)["code"] == "unknown_reference");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM audit WHERE actor = 'wes' AND action = 'read'") == "0");
}

TEST_CASE("handoff - engine silent while a person has it - the safety interrupt still fires") {
  Fixture f;
  Console staff(f.server.console_port());
  staff.sign_in(f.east);
  WsClient p(f.server.port());
  const std::string ref = request_at_east(p);
  REQUIRE(staff.call({{"type", "accept"}, {"reference", ref}}, "a"));
  p.receive_until({"handoff"});
  p.send({{"type", "back"}});
  auto refused = p.receive_until({"error", "prompt"});
  REQUIRE(refused.size() == 1);
  CHECK(refused[0]["type"] == "error");
  CHECK(refused[0]["code"] == "in_handoff");
  p.send({{"type", "message"}, {"text", "He said his dad hit him last night"}});
  auto replies = p.receive_until({"alert"});
  REQUIRE(!replies.empty());
  CHECK(replies.back()["type"] == "alert");
  bool d_and_a = false;
  for (const auto& c : replies.back()["contacts"]) d_and_a = d_and_a || c["id"] == "duty_and_advice";
  CHECK(d_and_a);
  auto at_staff = staff.next("message");
  REQUIRE(at_staff);
  CHECK((*at_staff)["safety_alert"] == true);
}

TEST_CASE("handoff - no one accepts in time - unavailable with the hub's checked contacts - a late accept still connects") {
  TempDir cfg_dir;
  const std::string cfg = write_config(cfg_dir, {{"handoff", {{"accept_timeout_seconds", 1}}}});
  Fixture f({"--config", cfg});
  WsClient p(f.server.port());
  walk(p, kToEastHub);
  p.send({{"type", "handoff"}});
  auto requested = p.receive_until({"handoff"});
  REQUIRE(!requested.empty());
  const std::string ref = requested.back()["reference"];
  auto unavailable = p.receive_until({"handoff"}, 5000);
  REQUIRE(!unavailable.empty());
  const json& u = unavailable.back();
  CHECK(u["status"] == "unavailable");
  CHECK(u["reference"] == ref);
  std::vector<std::string> ids;
  for (const auto& c : u["contacts"]) {
    ids.push_back(c["id"]);
    CHECK(c.contains("source"));
    if (c["id"] == "hub_east") {
      CHECK(c["email"] == "eastearlyhelp@leeds.gov.uk");
      CHECK_FALSE(c.contains("phone"));  // the misprinted number is never shown
    }
  }
  CHECK(ids == std::vector<std::string>{"hub_east", "early_help_support"});
  // The script works again while the request stays open...
  CHECK(p.request({{"type", "back"}}).back()["type"] == "prompt");
  CHECK(scalar(f.server.db(), "SELECT status || '|' || (unavailable_at IS NOT NULL) FROM handoffs WHERE reference = '" + ref + "'") == "requested|1");
  // ...and someone who picks it up later still reaches the practitioner.
  Console staff(f.server.console_port());
  staff.sign_in(f.east);
  REQUIRE(staff.call({{"type", "accept"}, {"reference", ref}}, "a")->value("type", "") == "accepted");
  auto late = p.receive_until({"handoff"});
  REQUIRE(!late.empty());
  CHECK(late.back()["status"] == "accepted");
}

TEST_CASE("handoff - Duty and Advice outcome shows the number at once and never queues") {
  Fixture f;
  WsClient p(f.server.port());
  walk(p, kToDutyAndAdvice);
  p.send({{"type", "handoff"}});
  auto r = p.receive_until({"handoff"});
  REQUIRE(!r.empty());
  CHECK(r.back()["status"] == "unavailable");
  CHECK(r.back()["urgent"] == true);
  CHECK(r.back()["contacts"][0]["id"] == "emergency_999");
  CHECK(r.back()["contacts"][1]["id"] == "duty_and_advice");
  CHECK(r.back()["contacts"][1]["phone"] == "0113 376 0336");
  CHECK(scalar(f.server.db(), "SELECT status FROM handoffs") == "unavailable");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM outbox") == "0");
}

TEST_CASE("handoff - asking twice gives the same reference - the database allows one open handoff") {
  Fixture f;
  WsClient p(f.server.port());
  std::string conversation;
  const std::string ref = request_at_east(p, &conversation);
  p.send({{"type", "handoff"}});
  auto again = p.receive_until({"handoff"});
  REQUIRE(!again.empty());
  CHECK(again.back()["reference"] == ref);
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM handoffs") == "1");
  const std::string insert = "INSERT INTO handoffs (reference, conversation_id, status, route, queue, item, requested_at, deadline_at, updated_at) "
                             "VALUES ('HO-TEST-0000', '" + conversation + "', 'requested', 'east', 'east', '{}', 0, 0, 0)";
  query(f.server.db(), insert, true);
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM handoffs") == "1");  // refused by the unique index
}

TEST_CASE("handoff - practitioner leaves - staff see it - ending the chat cancels the handoff") {
  Fixture f;
  Console staff(f.server.console_port());
  staff.sign_in(f.east);
  std::string ref;
  {
    WsClient p(f.server.port());
    ref = request_at_east(p);
    REQUIRE(staff.call({{"type", "accept"}, {"reference", ref}}, "a"));
    p.receive_until({"handoff"});
    p.request({{"type", "end"}});
  }
  auto q = staff.next("queue_changed");
  // Cancelled by the practitioner: gone from the queue, and the console cannot message it.
  for (int i = 0; i < 5 && q && q->value("event", "") != "cancelled"; ++i) q = staff.next("queue_changed");
  REQUIRE(q);
  CHECK((*q)["event"] == "cancelled");
  auto m = staff.call({{"type", "message"}, {"reference", ref}, {"text", "hello?"}}, "m");
  REQUIRE(m);
  CHECK((*m)["code"] == "not_active");
  CHECK(scalar(f.server.db(), "SELECT status || '|' || ended_by FROM handoffs WHERE reference = '" + ref + "'") == "cancelled|practitioner");
}

TEST_CASE("handoff - survives a restart - waiting stays waiting - active resumes on both sides") {
  Fixture f;
  std::string waiting_ref, active_ref, active_conv, token;
  {
    WsClient p1(f.server.port());
    waiting_ref = request_at_east(p1);
    WsClient p2(f.server.port());
    walk(p2, kToEastHub, &active_conv, &token);
    p2.send({{"type", "handoff"}});
    active_ref = p2.receive_until({"handoff"}).back()["reference"];
    Console staff(f.server.console_port());
    staff.sign_in(f.east);
    REQUIRE(staff.call({{"type", "accept"}, {"reference", active_ref}}, "a"));
    REQUIRE(staff.call({{"type", "message"}, {"reference", active_ref}, {"text", "Still there?"}}, "m"));
  }
  REQUIRE(f.server.stop() == 0);
  REQUIRE(f.server.start());
  Console staff(f.server.console_port());
  auto q = staff.sign_in(f.east);
  const json* w = find_item(q, waiting_ref);
  const json* a = find_item(q, active_ref);
  REQUIRE(w);
  REQUIRE(a);
  CHECK((*w)["status"] == "requested");
  CHECK((*a)["status"] == "accepted");
  auto opened = staff.call({{"type", "open"}, {"reference", active_ref}}, "o");
  REQUIRE(opened);
  CHECK((*opened)["type"] == "opened");
  CHECK((*opened)["transcript"].dump().find("Still there?") != std::string::npos);
  // The practitioner resumes: the person is still there, with the messages so far.
  WsClient p(f.server.port());
  p.send({{"type", "resume"}, {"conversation", active_conv}, {"token", token}});
  auto resumed = p.receive_until({"handoff"});
  REQUIRE(!resumed.empty());
  CHECK(resumed[0]["type"] == "resumed");
  CHECK(resumed.back()["status"] == "accepted");
  CHECK(resumed.back()["name"] == "eve (test)");
  REQUIRE(resumed.back().contains("messages"));
  CHECK(resumed.back()["messages"].back()["text"] == "Still there?");
  // With the times they were logged: the handoff's since it was accepted, each message its own.
  CHECK(resumed.back()["at"] == logged_time(f.server.db(), "SELECT accepted_at FROM handoffs WHERE reference = '" + active_ref + "'"));
  CHECK(resumed.back()["messages"].back()["at"] ==
        logged_time(f.server.db(), "SELECT at FROM turns WHERE conversation_id = '" + active_conv + "' AND message LIKE '%Still there?%'"));
  auto sent = staff.call({{"type", "message"}, {"reference", active_ref}, {"text", "Back after a restart"}}, "m2");
  CHECK((*sent)["type"] == "sent");
  auto live = p.receive_until({"message"});
  REQUIRE(!live.empty());
  CHECK(live.back()["text"] == "Back after a restart");
}

TEST_CASE("handoff - the console opens only open handoffs, read through the conversation's scope now") {
  Fixture f;
  Console east(f.server.console_port());
  east.sign_in(f.east);
  WsClient p(f.server.port());
  std::string conversation;
  const std::string ref = request_at_east(p, &conversation);

  // Waiting in the East queue: an East member may open it (to decide whether to take it).
  auto opened = east.call({{"type", "open"}, {"reference", ref}}, "o1");
  REQUIRE(opened);
  CHECK((*opened)["type"] == "opened");
  CHECK((*opened)["transcript"]["id"] == conversation);

  // The practitioner leaves the request, and the conversation is now West's.
  p.request({{"type", "handoff"}, {"cancel", true}});
  query(f.server.db(), "UPDATE conversations SET area = 'west' WHERE id = '" + conversation + "'", true);
  const std::string reads = scalar(f.server.db(), "SELECT COUNT(*) FROM audit WHERE actor = 'eve' AND action = 'read'");

  // A cancelled handoff is as unknown as a made-up one: no transcript, no read audited.
  auto again = east.call({{"type", "open"}, {"reference", ref}}, "o2");
  REQUIRE(again);
  CHECK((*again)["code"] == "unknown_reference");
  CHECK_FALSE(again->contains("transcript"));
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM audit WHERE actor = 'eve' AND action = 'read'") == reads);
  // The staff API still shows it to East: the practitioner gave East as the area, and a hub keeps
  // what it was told (docs/staff-scope.md). Only the console's open is refused.
  httplib::Client api("127.0.0.1", f.server.staff_port());
  api.set_bearer_token_auth(f.east.c_str());
  auto r = api.Get(("/v1/conversations/" + conversation).c_str());
  REQUIRE(r);
  CHECK(r->status == 200);
  // West sees it too, as its area now says.
  httplib::Client west_api("127.0.0.1", f.server.staff_port());
  west_api.set_bearer_token_auth(f.west.c_str());
  auto w = west_api.Get(("/v1/conversations/" + conversation).c_str());
  REQUIRE(w);
  CHECK(w->status == 200);
}

TEST_CASE("a console that never signs in is told so and closed after 10 seconds") {
  Fixture f;
  WsClient silent(f.server.console_port(), {}, "/v1/staff");
  REQUIRE(silent.connected());
  auto told = silent.receive_until({"error"}, 20000);
  REQUIRE_FALSE(told.empty());
  CHECK(told.back()["code"] == "not_signed_in");
  CHECK_FALSE(silent.receive(10000));  // and then the connection is closed
  CHECK(silent.closed());
  CHECK(silent.close_code() == 1008);
  // A console that signs in in time is not affected.
  Console staff(f.server.console_port());
  staff.sign_in(f.east);
}
