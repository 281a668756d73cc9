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
