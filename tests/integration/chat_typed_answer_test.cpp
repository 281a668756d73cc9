// Typed answers over a real socket: what they were taken as ("matched"), and the ones never
// taken the wrong way round (a "not" or a question): docs/protocol.md.
#include <doctest/doctest.h>

#include "chat_fixture.hpp"
#include "staff_helpers.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

using Fixture = ChatFixture;

json typed(const std::string& node, const std::string& text, const std::string& ref) {
  json m = rc::test::typed(node, text);
  m["ref"] = ref;
  return m;
}

}  // namespace

TEST_CASE("a typed answer taken as an option comes back as matched first, with the same ref, a button does not") {
  Fixture f;
  WsClient c(f.server.port());
  c.request(start_msg());
  auto r = c.request(typed("danger", "no, not right now", "t1"));  // no phrase: not taken
  CHECK(r.front()["code"] == "no_match");
  r = c.request(typed("danger", "No.", "t2"));
  REQUIRE(r.size() == 2);
  CHECK(r[0] == json{{"type", "matched"}, {"node", "danger"}, {"option", "no"}, {"label", "No"}, {"ref", "t2"}});  // no say on the web
  CHECK(r[1]["type"] == "prompt");
  CHECK(r[1]["node"] == "harm");
  CHECK(r[1]["ref"] == "t2");
  // Info nodes and outcomes follow it too; a button has none.
  r = c.request({{"type", "answer"}, {"node", "harm"}, {"option", "no"}});
  CHECK(find_type(r, "matched") == nullptr);
  c.request({{"type", "answer"}, {"node", "consent_talked"}, {"option", "yes"}});
  c.request({{"type", "answer"}, {"node", "consent_answer"}, {"option", "agree"}});
  r = c.request(typed("step_down", "they are stepping down from social work"));
  REQUIRE(r.size() == 4);
  CHECK(r[0]["type"] == "matched");
  CHECK(r[0]["label"] == "Yes");
  CHECK(r[1]["type"] == "info");
  CHECK(r[3]["node"] == "hub_notes");
  // A free-text answer is the answer itself: not "taken as" anything.
  r = c.request(typed("hub_notes", "yes"));
  CHECK(find_type(r, "matched") == nullptr);
}

TEST_CASE("on the phone the matched frame carries the words to read back") {
  TempDir dir;
  ServerProcess server{dir};
  const std::string token = add_staff(server.db(), "p.line", "hub:east");
  REQUIRE(server.start());
  WsClient c(server.port());
  c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "phone"}, {"staff_token", token}});
  auto r = c.request(typed("danger", "I really don't know"));
  REQUIRE(r.size() >= 2);
  CHECK(r[0]["type"] == "matched");
  CHECK(r[0]["option"] == "unsure");
  CHECK(r[0]["label"] == "I'm not sure");
  CHECK(r[0]["say"] == "I took that as: I'm not sure.");
  CHECK(r.back()["outcome"] == "danger_unsure");
}

TEST_CASE("a negated answer or a question is refused with its reason, the help and the offer of a person - and the place is kept") {
  Fixture f;
  WsClient c(f.server.port());
  c.request(start_msg());
  c.request(answer("danger", "no"));
  struct Case { const char* typed; const char* reason; };
  for (const Case k : {Case{"I don't think it is significant harm", "negated"}, Case{"what counts as a child in need?", "question"}}) {
    CAPTURE(k.typed);
    auto r = c.request(typed("harm", k.typed, "q"));
    REQUIRE(r.size() == 2);
    const json& e = r[0];
    CHECK(e["type"] == "error");
    CHECK(e["code"] == "no_match");
    CHECK(e["reason"] == k.reason);
    CHECK(e["help"].get<std::string>().find("Section 17 of the Children Act 1989") != std::string::npos);
    CHECK(e["handoff_available"] == true);
    CHECK(e["message"].get<std::string>().find("Duty and Advice on 0113 376 0336") != std::string::npos);  // the fail-safe ending
    REQUIRE(e["contacts"].size() == 2);
    CHECK(e["contacts"][0]["phone"] == "999");
    CHECK(e["ref"] == "q");
    CHECK_FALSE(e.contains("say"));
    CHECK(r[1]["type"] == "prompt");
    CHECK(r[1]["node"] == "harm");  // nothing moved
    CHECK(find_type(r, "matched") == nullptr);
  }
  // The offer stands: asking for a person from here is answered.
  c.send({{"type", "handoff"}, {"reason", "I am not sure what counts"}});
  auto h = c.receive_until({"handoff"});
  REQUIRE_FALSE(h.empty());
  CHECK(h.back()["reference"].get<std::string>().rfind("HO-", 0) == 0);
  // Said plainly, the same question is answered.
  auto r = c.request(typed("harm", "I think it is significant harm"));
  REQUIRE(find_type(r, "matched"));
  CHECK((*find_type(r, "matched"))["option"] == "yes");
  CHECK(r.back()["outcome"] == "duty_and_advice");
}
