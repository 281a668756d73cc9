// The logged form of a client message, written directly for the common types (answer, start,
// back, end), is byte for byte what dumping the tree gives: with and without a ref, an option or
// typed text, and strings JSON must escape or that are not valid UTF-8.
#include <doctest/doctest.h>

#include "protocol/protocol.hpp"

using namespace rc;
using namespace rc::protocol;

namespace {

const std::vector<std::string> kAwkward = {
    "",  "q1", "a \"quoted\" word", "back\\slash", "tab\there\nnewline\r", std::string("\x01\x1f", 2), "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80",
    "bad \xff\xfe utf-8", "cut \xe2\x80", "</script>", "{\"type\":\"end\"}", std::string(300, 'x')};

void check_same(const Message& m) {
  INFO(canonical_tree_text(m));
  CHECK(canonical_text(m) == canonical_tree_text(m));
}

}  // namespace

TEST_CASE("answers, starts, backs and ends are logged as the tree writes them") {
  int checked = 0;
  for (const auto& s : kAwkward) {
    for (const std::optional<std::string>& ref : {std::optional<std::string>{}, std::optional<std::string>(s), std::optional<std::string>("7")}) {
      check_same({AnswerMsg{s, "yes", std::nullopt}, ref, {}});
      check_same({AnswerMsg{"harm", std::nullopt, s}, ref, {}});
      check_same({AnswerMsg{s, s, std::nullopt}, ref, {}});
      check_same({StartMsg{s, "web", std::nullopt}, ref, {}});
      check_same({StartMsg{"early-help", "phone", s}, ref, {}});  // the staff token is never logged
      check_same({BackMsg{}, ref, {}});
      check_same({EndMsg{}, ref, {}});
      checked += 7;
    }
  }
  CHECK(checked == 7 * 3 * static_cast<int>(kAwkward.size()));
  // The staff token really is left out, and the keys come sorted.
  CHECK(canonical_text({StartMsg{"early-help", "phone", "secret"}, std::string("r1"), {}}) ==
        R"({"channel":"phone","dialog":"early-help","ref":"r1","type":"start"})");
  CHECK(canonical_text({AnswerMsg{"harm", std::nullopt, std::string("he said \"no\"")}, std::nullopt, {}}) ==
        R"({"node":"harm","text":"he said \"no\"","type":"answer"})");
}

TEST_CASE("a parsed message carries its logged form, unknown fields and the resume token left out") {
  auto parsed = parse_client_message(R"({"type":"answer","node":"danger","option":"no","ref":"3","extra":{"name":"Jo"}})");
  REQUIRE(std::holds_alternative<Message>(parsed));
  CHECK(std::get<Message>(parsed).text == R"({"node":"danger","option":"no","ref":"3","type":"answer"})");
  parsed = parse_client_message(R"({"type":"resume","conversation":"c1","token":"t0ken"})");
  REQUIRE(std::holds_alternative<Message>(parsed));
  CHECK(std::get<Message>(parsed).text == R"({"conversation":"c1","type":"resume"})");
  parsed = parse_client_message(R"({"type":"handoff","reason":"need a \"person\"","cancel":false})");
  REQUIRE(std::holds_alternative<Message>(parsed));
  CHECK(std::get<Message>(parsed).text == R"({"reason":"need a \"person\"","type":"handoff"})");
}

namespace {

// What a parse gave, as text: the command's logged form, or the error with its ref.
std::string outcome_of(const std::variant<Message, protocol::Error>& parsed) {
  if (const auto* e = std::get_if<protocol::Error>(&parsed)) return "error " + e->code + " | " + e->message + " | ref " + e->ref.value_or("-");
  const auto& m = std::get<Message>(parsed);
  std::string out = "message " + m.text + " | ref " + m.ref.value_or("-");
  if (const auto* s = std::get_if<StartMsg>(&m.command)) out += " | token " + s->staff_token.value_or("-");  // never in the logged form
  if (const auto* r = std::get_if<ResumeMsg>(&m.command)) out += " | token " + r->token.value_or("-") + " / " + r->staff_token.value_or("-");
  return out;
}

}  // namespace

TEST_CASE("a message read without a tree is read exactly as through the tree, errors included") {
  const std::vector<std::string> corpus = {
      R"({"type":"answer","node":"danger","option":"no"})",
      R"({"type":"answer","node":"danger","option":"no","ref":"12"})",
      R"({"type":"answer","node":"harm","text":"he hit her \"hard\" \u00e9 \ud83d\ude00"})",
      R"({"type":"answer","node":"harm","text":"a\u0000b"})",
      R"({"type":"answer","node":"harm","text":"a\\u0000b"})",
      R"({"type":"answer","node":"harm"})",
      R"({"type":"answer","node":"harm","option":"yes","text":"yes"})",
      R"({"type":"answer","node":7,"option":"yes"})",
      R"({"type":"answer","node":"harm","option":null})",
      R"({"type":"answer","node":"harm","option":{"id":"yes"}})",
      R"({"type":"answer","node":"harm","option":["yes"],"text":"yes"})",
      R"({"type":"answer","node":"a","node":"b","option":"yes"})",
      R"({"type":"answer","type":"back"})",
      R"({"type":"back","type":"answer","node":"n","option":"o"})",
      R"({"type":"back"})",
      R"({"type":"end","ref":""})",
      R"({"type":"end","ref":7})",
      R"({"type":"end","ref":null})",
      R"({"type":"end","ref":")" + std::string(129, 'r') + R"("})",
      R"({"type":"end","ref":")" + std::string(128, 'r') + R"("})",
      R"({"type":"start","dialog":"early-help"})",
      R"({"type":"start","dialog":"early-help","channel":"phone"})",
      R"({"type":"start","dialog":"early-help","channel":"phone","staff_token":"s3cret"})",
      R"({"type":"start","dialog":"early-help","channel":"phone","staff_token":""})",
      R"({"type":"start","dialog":"early-help","channel":"web","staff_token":"ignored"})",
      R"({"type":"start","dialog":"early-help","staff_token":5})",
      R"({"type":"start","dialog":"early-help","channel":null})",
      R"({"type":"start","dialog":"","channel":"voice"})",
      R"({"type":"start","channel":"fax","dialog":"x"})",
      R"({"type":"resume","conversation":"c1","token":"t"})",
      R"({"type":"resume","conversation":"c1","token":"t","staff_token":"s"})",
      R"({"type":"resume","conversation":"c1","staff_token":""})",
      R"({"type":"handoff"})",
      R"({"type":"handoff","reason":"please","cancel":true})",
      R"({"type":"handoff","cancel":"yes"})",
      R"({"type":"handoff","cancel":1})",
      R"({"type":"handoff","reason":null})",
      R"({"type":"message","text":"   "})",
      R"({"type":"message","text":"hello"})",
      R"({"type":"typing","extra":{"deep":[1,2,{"x":null}]}})",
      R"({"type":"note","text":"a note"})",
      R"({"type":"wrap_up","outcome_confirmed":true,"code":"advice_given","note":""})",
      R"({"type":"about","work_area":"east","agency":"school"})",
      R"({"type":"about","work_area":3})",
      R"({"type":"urgent"})",
      R"({"type":"no_such_type"})",
      R"({"type":5})",
      R"({"TYPE":"end"})",
      R"({})",
      R"([])",
      R"("answer")",
      R"(null)",
      R"(42)",
      R"({"type":"end"} trailing)",
      R"({"type":"end",})",
      R"({"type":"end")",
      R"({"type":"end"}{"type":"back"})",
      "  \n{ \"type\" : \"end\" }\t ",
      // Read by hand where plain, by the parser where not: both must agree with the tree.
      "{\"type\":\"handoff\" ,\"cancel\" :\tfalse,\r\n\"reason\": \"x\" }",
      R"({"type":"handoff","cancel":true,"cancel":false})",
      R"({"type":"handoff","cancel":tru})",
      R"({"type":"handoff","cancel":falsey})",
      R"({"type":"handoff","reason":nul})",
      R"({"type":"end",,"ref":"1"})",
      R"({"type":"end" "ref":"1"})",
      R"({"type" "end"})",
      R"({type:"end"})",
      R"({'type':'end'})",
      R"({"type":"end","ref":"a/b~c"})",
      R"({"type":"answer","node":"n","text":"tab	inside"})",
      R"({"type":"answer","node":"n","text":"caf\u00e9"})",
      "{\"type\":\"answer\",\"node\":\"n\",\"text\":\"caf\xc3\xa9\"}",
      "{\"type\":\"answer\",\"node\":\"n\",\"text\":\"del \x7f\"}",
      std::string("{\"type\":\"end\"}\0", 15),
      "{\"type\":\"end\"",
      "{\"type\":\"end",
      "{",
      "{\"type\":\"end\"}\u00a0",
      "{\"type\":\"answer\",\"node\":\"n\",\"text\":\"bad \xff byte\"}",
      R"({"type":"answer","node":"n","text":"\ud800"})",
      R"({"type":"answer","node":"n","option":"o","big":123456789012345678901234567890,"f":1.5e300,"neg":-0})",
      "",
      "{\"type\":\"answer\",\"node\":\"n\",\"option\":\"" + std::string(3000, 'o') + "\"}",
      "{\"type\":\"answer\",\"node\":\"n\",\"text\":\"" + std::string(2001, 't') + "\"}",
  };
  for (const auto& text : corpus) {
    CAPTURE(text);
    CHECK(outcome_of(parse_client_message(text)) == outcome_of(parse_client_message_tree(text)));
  }
}
