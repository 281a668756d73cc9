// Which conversations a hub sees (docs/staff-scope.md), over the real staff API, chat and
// console sockets: an area given at any point (even after going back), "which area do you work
// in?", the hub of whoever took the phone call or accepted the handoff; leeds-wide sees all.
#include <doctest/doctest.h>
#include <httplib.h>

#include "db_reader.hpp"
#include "handoff_support.hpp"
#include "staff_helpers.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

struct Fixture {
  TempDir dir;
  ServerProcess server{dir};
  std::string east, west, south, leeds, admin, east_phone;
  Fixture() {
    REQUIRE(server.start());
    east = add_staff(server.db(), "eve", "hub:east");
    west = add_staff(server.db(), "wes", "hub:west");
    south = add_staff(server.db(), "sam", "hub:south");
    leeds = add_staff(server.db(), "lee", "leeds-wide");
    admin = add_staff(server.db(), "ada", "admin");
    east_phone = add_staff(server.db(), "pat", "hub:east");
  }
  // The conversation ids a token's review list shows.
  std::vector<std::string> seen_by(const std::string& token) const {
    httplib::Client c("127.0.0.1", server.staff_port());
    c.set_bearer_token_auth(token.c_str());
    auto r = c.Get("/v1/conversations?limit=100");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    std::vector<std::string> out;
    const json page = json::parse(r->body);  // kept: a range-for over parse(...)["items"] would dangle
    for (const auto& item : page["items"]) out.push_back(item["id"].get<std::string>());
    return out;
  }
  bool sees(const std::string& token, const std::string& id) const {
    auto all = seen_by(token);
    const bool listed = std::find(all.begin(), all.end(), id) != all.end();
    httplib::Client c("127.0.0.1", server.staff_port());
    c.set_bearer_token_auth(token.c_str());
    auto r = c.Get(("/v1/conversations/" + id).c_str());
    REQUIRE(r);
    CHECK(listed == (r->status == 200));  // the list and the transcript follow the same rule
    return listed;
  }
  json transcript(const std::string& id) const {
    httplib::Client c("127.0.0.1", server.staff_port());
    c.set_bearer_token_auth(admin.c_str());
    auto r = c.Get(("/v1/conversations/" + id).c_str());
    REQUIRE(r);
    return json::parse(r->body);
  }
};

json one_reply(WsClient& c, const json& m) {
  c.send(m);
  auto reply = c.receive();
  REQUIRE(reply);
  return *reply;
}

}  // namespace

TEST_CASE("going back from the West hub outcome keeps the conversation West's, and the area it last had") {
  Fixture f;
  WsClient p(f.server.port());
  std::string id;
  walk(p, kToWestHub, &id);
  p.request({{"type", "back"}});
  CHECK(scalar(f.server.db(), "SELECT area FROM conversations WHERE id = '" + id + "'") == "west");
  CHECK(f.sees(f.west, id));
  CHECK_FALSE(f.sees(f.east, id));
  // Choosing another area after going back: both hubs were told of it, so both see it.
  p.request({{"type", "answer"}, {"node", "area"}, {"option", "south"}});
  CHECK(scalar(f.server.db(), "SELECT area FROM conversations WHERE id = '" + id + "'") == "south");
  CHECK(f.sees(f.south, id));
  CHECK(f.sees(f.west, id));
  auto hubs = f.transcript(id)["hubs"];
  REQUIRE(hubs.size() == 2);
  CHECK(hubs[0]["hub"] == "south");
  CHECK(hubs[0]["why"] == "area");
  CHECK(hubs[1]["hub"] == "west");
}

TEST_CASE("which area do you work in: a Duty and Advice conversation is seen by the hub the practitioner works in") {
  Fixture f;
  WsClient p(f.server.port());
  CHECK(one_reply(p, {{"type", "about"}, {"work_area", "east"}})["code"] == "no_conversation");
  std::string id, token;
  walk(p, kToDutyAndAdvice, &id, &token);
  CHECK_FALSE(f.sees(f.east, id));  // no area given: unscoped
  CHECK(f.sees(f.leeds, id));
  CHECK(f.sees(f.admin, id));

  auto bad = one_reply(p, {{"type", "about"}, {"work_area", "north"}});
  CHECK(bad["code"] == "bad_message");
  CHECK(bad["message"] == "\"work_area\" must be one of east, west, south, unsaid.");
  CHECK(one_reply(p, {{"type", "about"}})["code"] == "bad_message");
  auto echoed = one_reply(p, {{"type", "about"}, {"work_area", "east"}, {"agency", "school"}, {"ref", "a1"}});
  CHECK(echoed == json{{"type", "about"}, {"work_area", "east"}, {"agency", "school"}, {"ref", "a1"}});
  CHECK(f.sees(f.east, id));
  CHECK_FALSE(f.sees(f.west, id));
  CHECK(scalar(f.server.db(), "SELECT work_area || ' ' || agency FROM conversations WHERE id = '" + id + "'") == "east school");
  // The route is the dialog's alone: the conversation is still at Duty and Advice, area unset.
  CHECK(scalar(f.server.db(), "SELECT outcome || ' ' || COALESCE(area, '-') FROM conversations WHERE id = '" + id + "'") == "duty_and_advice -");

  // Only the agency changes: the work area stays; "prefer not to say" is a value.
  CHECK(one_reply(p, {{"type", "about"}, {"agency", "unsaid"}}) == json{{"type", "about"}, {"work_area", "east"}, {"agency", "unsaid"}});
  // A resumed conversation says what was said, so the page does not ask again.
  WsClient again(f.server.port());
  auto resumed = again.request({{"type", "resume"}, {"conversation", id}, {"token", token}});
  REQUIRE(!resumed.empty());
  CHECK(resumed[0]["type"] == "resumed");
  CHECK(resumed[0]["about"] == json{{"type", "about"}, {"work_area", "east"}, {"agency", "unsaid"}});
  // "Prefer not to say" for the area leaves it unscoped for other hubs; East keeps what it had.
  auto hubs = f.transcript(id)["hubs"];
  REQUIRE(hubs.size() == 1);
  CHECK(hubs[0] == json{{"hub", "east"}, {"why", "work_area"}});
}

TEST_CASE("a phone call taken by East staff is East's, whatever the caller answered") {
  Fixture f;
  WsClient c(f.server.port());
  auto started = c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "phone"}, {"staff_token", f.east_phone}});
  REQUIRE(!started.empty());
  const std::string id = started[0]["conversation"];
  c.request({{"type", "answer"}, {"node", "danger"}, {"option", "yes"}});
  CHECK(f.sees(f.east, id));
  CHECK_FALSE(f.sees(f.west, id));
  CHECK(f.transcript(id)["hubs"] == json::array({{{"hub", "east"}, {"why", "call_taker"}}}));
}

TEST_CASE("a handoff accepted by East stays East's after it ends, leeds-wide sees everything but is no admin") {
  Fixture f;
  Console eve(f.server.console_port());
  eve.sign_in(f.east);
  WsClient p(f.server.port());
  std::string id;
  walk(p, {"no"}, &id);  // at the harm question, with no area: the "any" queue every hub sees
  p.send({{"type", "handoff"}, {"reason", "Can someone talk this through?"}});
  auto asked = p.receive_until({"handoff"});
  REQUIRE(!asked.empty());
  const std::string ref = asked.back()["reference"];
  auto accepted = eve.call({{"type", "accept"}, {"reference", ref}}, "a1");
  REQUIRE(accepted);
  CHECK((*accepted)["type"] == "accepted");
  auto ended = eve.call({{"type", "end"}, {"reference", ref}, {"note", "Talked it through"}}, "e1");
  REQUIRE(ended);
  CHECK((*ended)["type"] == "ended");
  CHECK(f.sees(f.east, id));
  CHECK_FALSE(f.sees(f.west, id));
  CHECK(f.transcript(id)["hubs"] == json::array({{{"hub", "east"}, {"why", "handoff"}}}));

  httplib::Client c("127.0.0.1", f.server.staff_port());
  c.set_bearer_token_auth(f.leeds.c_str());
  CHECK(c.Get("/v1/audit")->status == 404);
  CHECK(c.Get("/metrics")->status == 404);
  auto me = json::parse(c.Get("/v1/me")->body);
  CHECK(me["role"] == "leeds-wide");
  CHECK(me["area"].is_null());
}
