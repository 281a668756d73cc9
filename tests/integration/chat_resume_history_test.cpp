// The answered path comes back on resume (docs/protocol.md, `resumed`), so the chat page keeps
// nothing personal in the browser: over a real socket, after the connection dropped.
#include <doctest/doctest.h>

#include "chat_fixture.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

struct Started {
  std::string conversation, token;
};

Started start(WsClient& c) {
  const auto r = c.request(start_msg());
  return {r[0]["conversation"], r[0]["token"]};
}

std::vector<json> resume(const ChatFixture& f, const Started& s) {
  WsClient c(f.server.port());
  return c.request({{"type", "resume"}, {"conversation", s.conversation}, {"token", s.token}});
}

bool is_utc_second(const std::string& t) {
  // 2026-12-02T10:32:05Z
  if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

}  // namespace

TEST_CASE("resumed carries the answered path in order: labels, typed words only redacted, the time of each, never Urgent's place") {
  ChatFixture f;
  Started s;
  {
    WsClient c(f.server.port());
    s = start(c);
    c.request(answer("danger", "no"));
    c.request(typed("harm", "I'm not sure, ring me on 07700 900123"));
    c.request(answer("lead_check", "agreed_early_help"));
    c.request({{"type", "urgent"}});  // the place it left is kept for back, and is no answer
  }
  const auto r = resume(f, s);
  REQUIRE(r.size() == 2);
  REQUIRE(r[0]["type"] == "resumed");
  CHECK(r[1]["node"] == "danger");  // where Urgent took it
  const json& h = r[0]["history"];
  REQUIRE(h.size() == 3);
  CHECK(h[0]["node"] == "danger");
  CHECK(h[0]["question"] == "Is a child in immediate danger right now?");
  CHECK(h[0]["answer"] == "No");
  CHECK(h[0]["typed"] == false);
  CHECK_FALSE(h[0].contains("typed_text"));  // a button
  CHECK(h[1]["node"] == "harm");
  CHECK(h[1]["answer"] == "I'm not sure");  // what the words were taken as
  CHECK(h[1]["typed"] == false);
  CHECK(h[1]["typed_text"] == "I'm not sure, ring me on [phone]");
  CHECK(h[2]["node"] == "lead_check");
  CHECK(h[2]["answer"] == "Yes: we agreed it is neither significant harm nor a child in need, and the family needs help");
  for (const auto& step : h) {
    CAPTURE(step.dump());
    REQUIRE(step.contains("at"));
    CHECK(is_utc_second(step["at"]));
    CHECK_FALSE(step.contains("alert"));
  }
  CHECK(h[0]["at"] <= h[1]["at"]);
  CHECK(h[1]["at"] <= h[2]["at"]);
  for (const auto& frame : r) CHECK(frame.dump().find("900123") == std::string::npos);
}

TEST_CASE("an alert fired at an answer is marked in the resumed path, and the words that raised it are not sent back") {
  ChatFixture f;
  Started s;
  {
    WsClient c(f.server.port());
    s = start(c);
    for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{
             {"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "multi"}})
      c.request(answer(node, option));
    const auto alerted = c.request(typed("hub_notes", "his stepdad leathers him"));
    REQUIRE(find_type(alerted, "alert"));
    CHECK(alerted.back()["node"] == "disclosure_check");
  }
  const auto r = resume(f, s);
  const json& h = r[0]["history"];
  REQUIRE(h.size() == 7);
  const json& notes = h[6];
  CHECK(notes["node"] == "hub_notes");
  CHECK(notes["typed"] == true);
  CHECK(notes["alert"] == true);
  CHECK(notes["withheld"] == true);
  CHECK(notes["answer"].get<std::string>().rfind("Not included: what was typed here raised the safety alert.", 0) == 0);
  for (const auto& frame : r) CHECK(frame.dump().find("leathers") == std::string::npos);
  CHECK_FALSE(h[5].contains("alert"));
  CHECK(r.back()["node"] == "disclosure_check");
}

TEST_CASE("a conversation just started resumes with an empty path") {
  ChatFixture f;
  Started s;
  {
    WsClient c(f.server.port());
    s = start(c);
  }
  const auto r = resume(f, s);
  CHECK(r[0]["history"] == json::array());
}
