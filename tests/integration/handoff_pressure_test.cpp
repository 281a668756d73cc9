// The staff console under pressure (issue 16, points 5-8): presence from the first queue,
// fresh requests first, stale requests expired with a reason, typing both ways (relayed,
// rate-limited, never logged), canned replies in "ready", and questions shown as words.
#include <doctest/doctest.h>

#include "db_reader.hpp"
#include "handoff_support.hpp"
#include "staff_helpers.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

using Fixture = HandoffFixture;

std::string ask_for_person(WsClient& p, const std::vector<std::string>& path, std::string* conversation = nullptr) {
  walk(p, path, conversation);
  p.send({{"type", "handoff"}});
  auto replies = p.receive_until({"handoff"});
  REQUIRE(!replies.empty());
  REQUIRE(replies.back()["status"] == "requested");
  return replies.back()["reference"];
}

int count_of(const std::vector<json>& frames, const std::string& type) {
  int n = 0;
  for (const auto& f : frames) n += f.value("type", "") == type;
  return n;
}

}  // namespace

TEST_CASE("console - the first queue says whether each practitioner is connected, and the newest request comes first") {
  Fixture f;
  WsClient first(f.server.port());
  const std::string older = ask_for_person(first, kToEastHub);
  std::string newer;
  {
    WsClient second(f.server.port());
    newer = ask_for_person(second, kToEastHub);
  }  // the second practitioner has gone

  Console staff(f.server.console_port());
  json q = staff.sign_in(f.east);
  // Presence frames race the sign-in: ask again until the one who left shows as gone.
  for (int i = 0; i < 50 && !(find_item(q, newer) && (*find_item(q, newer))["online"] == false); ++i) q = *staff.call({{"type", "queue"}}, "q");
  REQUIRE(q["items"].size() == 2);
  CHECK(q["items"][0]["reference"] == newer);  // fresh first
  CHECK(q["items"][1]["reference"] == older);
  CHECK(q["items"][0]["online"] == false);
  CHECK(q["items"][1]["online"] == true);
}

TEST_CASE("console - a request asked before an outcome carries the question's words, not its node id") {
  Fixture f;
  WsClient p(f.server.port());
  const std::string ref = ask_for_person(p, {"no"});
  Console staff(f.server.console_port());
  const json q = staff.sign_in(f.east);
  const json* item = find_item(q, ref);
  REQUIRE(item);
  const std::string question = (*item)["item"]["at_question"];
  CHECK(question.size() > 10);
  CHECK(question != (*item)["item"]["at_node"].get<std::string>());
  CHECK(question.find('{') == std::string::npos);  // placeholders filled
}

TEST_CASE("console - a request whose practitioner has gone past the resume window expires with a reason") {
  Fixture f;
  Console staff(f.server.console_port());
  staff.sign_in(f.east);
  std::string ref, conversation;
  {
    WsClient p(f.server.port());
    ref = ask_for_person(p, kToEastHub, &conversation);
  }
  // Wait until the server has seen them go, then make their conversation older than the window.
  for (int i = 0; i < 10; ++i) {
    auto presence = staff.next("presence");
    REQUIRE(presence);
    if ((*presence)["reference"] == ref && (*presence)["online"] == false) break;
  }
  const std::string db = f.server.db();
  query(db, "UPDATE conversations SET started_at = started_at - 25 * 3600 * 1000 WHERE id = '" + conversation + "'", true);

  // Any queue read sweeps first: the request is gone, and the consoles are told why.
  staff.ws.send({{"type", "queue"}, {"ref", "q1"}});
  std::vector<json> frames;  // up to the reply (earlier pushed queues may come first)
  while (frames.empty() || frames.back().value("ref", "") != "q1") {
    auto m = staff.ws.receive(5000);
    REQUIRE(m);
    frames.push_back(*m);
  }
  CHECK(find_item(frames.back(), ref) == nullptr);
  const json* changed = nullptr;
  for (const auto& m : frames)
    if (m["type"] == "queue_changed" && m["reference"] == ref && m["event"] == "expired") changed = &m;
  REQUIRE(changed);
  CHECK((*changed)["reason"].get<std::string>().find("24 hours") != std::string::npos);

  const std::string row = " FROM handoffs WHERE reference = '" + ref + "'";
  CHECK(scalar(db, "SELECT status || '|' || ended_by" + row) == "expired|server");
  CHECK(scalar(db, "SELECT closed_reason" + row) == (*changed)["reason"]);
  CHECK(scalar(db, "SELECT COUNT(*) FROM turns WHERE conversation_id = '" + conversation + "' AND message LIKE '%\"status\":\"expired\"%'") == "1");
  // Accepting it now is refused like any closed request.
  auto late = staff.call({{"type", "accept"}, {"reference", ref}}, "a");
  REQUIRE(late);
  CHECK((*late)["code"] == "not_waiting");
}

TEST_CASE("console - a connected practitioner's old request is not expired") {
  Fixture f;
  WsClient p(f.server.port());
  std::string conversation;
  const std::string ref = ask_for_person(p, kToEastHub, &conversation);
  query(f.server.db(), "UPDATE conversations SET started_at = started_at - 25 * 3600 * 1000 WHERE id = '" + conversation + "'", true);
  Console staff(f.server.console_port());
  const json q = staff.sign_in(f.east);
  REQUIRE(find_item(q, ref));
  CHECK(scalar(f.server.db(), "SELECT status FROM handoffs WHERE reference = '" + ref + "'") == "requested");
}

TEST_CASE("console - typing is relayed both ways at most once per few seconds and never logged") {
  Fixture f;
  Console staff(f.server.console_port());
  staff.sign_in(f.east);
  WsClient p(f.server.port());
  const std::string ref = ask_for_person(p, kToEastHub);

  // Typing before anyone has it goes nowhere and is not answered.
  p.send({{"type", "typing"}});
  REQUIRE(staff.call({{"type", "accept"}, {"reference", ref}}, "a"));
  p.receive_until({"handoff"});

  // Practitioner -> console: two notices in a burst, one relayed, before the message that follows.
  p.send({{"type", "typing"}});
  p.send({{"type", "typing"}});
  p.send({{"type", "message"}, {"text", "Are you there?"}});
  REQUIRE(!p.receive_until({"message"}).empty());  // their own echo
  auto at_staff = staff.ws.receive_until({"message"});
  REQUIRE(!at_staff.empty());
  CHECK(count_of(at_staff, "typing") == 1);
  for (const auto& m : at_staff)
    if (m["type"] == "typing") {
      CHECK(m["reference"] == ref);
      CHECK(m["from"] == "practitioner");
    }

  // Console -> practitioner, with the staff member's name; the second in a burst is dropped.
  staff.ws.send({{"type", "typing"}, {"reference", ref}});
  staff.ws.send({{"type", "typing"}, {"reference", ref}});
  REQUIRE(staff.call({{"type", "message"}, {"reference", ref}, {"text", "Yes, one moment."}}, "m"));
  auto at_p = p.receive_until({"message"});
  REQUIRE(!at_p.empty());
  CHECK(count_of(at_p, "typing") == 1);
  for (const auto& m : at_p)
    if (m["type"] == "typing") CHECK(m["name"] == "eve (test)");
  CHECK(at_p.back()["text"] == "Yes, one moment.");

  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE message LIKE '%typing%'") == "0");
}

TEST_CASE("console - ready carries the canned replies with their contact details filled from content") {
  Fixture f;
  Console staff(f.server.console_port());
  staff.ws.send({{"type", "auth"}, {"token", f.east}});
  auto ready = staff.ws.receive_until({"ready"});
  REQUIRE(!ready.empty());
  const json& canned = ready.back()["canned_replies"];
  REQUIRE(canned.is_array());
  REQUIRE(!canned.empty());
  CHECK(canned[0]["id"] == "duty_and_advice_number");
  CHECK(canned[0]["label"] == "Duty and Advice number");
  CHECK(canned[0]["text"].get<std::string>().find("0113 376 0336") != std::string::npos);
  for (const auto& r : canned) CHECK(r["text"].get<std::string>().find('{') == std::string::npos);
}

TEST_CASE("console - a staff name that already names the hub is not given the hub twice") {
  Fixture f;
  auto r = run_process(RC_BINARY, {"staff", "add", "kha", "--role", "hub:east", "--name", "A. Khan (East hub)", "--db", f.server.db()});
  REQUIRE(r.exit_code == 0);
  Console staff(f.server.console_port());
  staff.sign_in(r.out.substr(0, r.out.find('\n')));
  WsClient p(f.server.port());
  const std::string ref = ask_for_person(p, kToEastHub);
  REQUIRE(staff.call({{"type", "accept"}, {"reference", ref}}, "a"));
  auto to_p = p.receive_until({"handoff"});
  REQUIRE(!to_p.empty());
  CHECK(to_p.back()["name"] == "A. Khan (East hub)");
  CHECK(!to_p.back().contains("team"));
}
