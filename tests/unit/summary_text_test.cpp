// The outcome summary written without a tree (protocol::summary_fields_text, json_string) is
// byte for byte what dumping the tree gives: for every shipped outcome, for a walk with typed
// notes full of characters JSON must escape, and for strings that are not valid UTF-8.
#include <doctest/doctest.h>

#include <random>

#include "core/outcome_summary.hpp"
#include "protocol/protocol.hpp"
#include "shipped.hpp"

using namespace rc;
using json = nlohmann::json;

namespace {

std::string dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void check_same(const Summary& s) {
  CHECK(protocol::summary_fields_text(s) == dumped(protocol::summary_fields_json(s)));
  const auto texts = protocol::summary_member_texts(s);
  const auto trees = protocol::summary_members(s);
  REQUIRE(texts.size() == trees.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CHECK(texts[i].first == trees[i].first);
    CHECK(texts[i].second == dumped(trees[i].second));
  }
}

}  // namespace

TEST_CASE("every shipped outcome's summary is written without a tree byte for byte as with one") {
  const auto& content = test::shipped().content;
  int outcomes = 0;
  for (const auto& d : test::shipped().dialogs)
    for (const auto& n : d.nodes) {
      if (!n.is_outcome()) continue;
      State s;
      s.current = n.id;
      s.finished = true;
      s.updated = 1'700'000'000'000;
      for (bool alert : {false, true}) {
        if (alert) remember_alerts(s, n.id, safety_alerts(content, "he hit her and she has bruises"), s.updated);
        CAPTURE(n.id);
        check_same(summarise(d, content, s, "EH-7KQ2-M9XD", s.updated));
        ++outcomes;
      }
    }
  CHECK(outcomes > 20);
  check_same(Summary{});  // no outcome: no members
}

TEST_CASE("a summary with typed notes that JSON must escape is written without a tree byte for byte as with one") {
  const auto& d = test::early_help();
  const auto& content = test::shipped().content;
  for (const std::string note : {"a note", "quotes \" and \\ back\\slashes / and a tab\tand\nnew lines\r\n", "control \x01\x02\x1f and DEL \x7f",
                                 "r\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x91\x8d", "</script><b>bold</b> & \u2028 \u2029"}) {
    CAPTURE(note);
    Step step = test::walk(d, content, {"no", "no", "yes", "agree", "no", "multi", "text:" + note, "east"});
    REQUIRE(step.state.finished);
    const Summary s = summarise(d, content, step.state, "EH-7KQ2-M9XD", step.state.updated);
    REQUIRE(!s.answers.empty());
    check_same(s);
  }
  // A note that raises the safety alert: the summary withholds it and leads with the alert.
  Step alerted = test::walk(d, content, {"no", "no", "yes", "agree", "no", "multi", "text:he hit her and she has bruises"});
  for (int i = 0; i < 10 && !alerted.state.finished; ++i) {
    const Node* n = d.find(alerted.state.current);
    REQUIRE(n);
    alerted = advance(d, content, std::move(alerted.state), n->kind == NodeKind::text ? Input{TypeInput{n->id, "a note"}}
                                                                                      : Input{ChooseInput{n->id, n->options.front().id}}, 2000 + i);
  }
  REQUIRE(alerted.state.finished);
  const Summary s = summarise(d, content, alerted.state, "EH-7KQ2-M9XD", alerted.state.updated);
  CHECK(!s.safety_alert.empty());
  CHECK(std::any_of(s.answers.begin(), s.answers.end(), [](const SummaryAnswer& a) { return a.withheld; }));
  check_same(s);
}

TEST_CASE("a JSON string is written as nlohmann writes it, invalid UTF-8 replaced the same way") {
  for (const std::string& text : {std::string(), std::string("plain"), std::string("\x00 nul", 5), std::string("\"\\\b\f\n\r\t/"),
                                 std::string("\x01\x1f\x20\x7f"), std::string("\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88"), std::string("lone \xff byte"),
                                 std::string("cut \xe2\x82"), std::string("overlong \xc0\xaf"), std::string("surrogate \xed\xa0\x80"),
                                 std::string("beyond \xf4\x90\x80\x80"), std::string("\xfe\xfe")}) {
    CAPTURE(text);
    CHECK(protocol::json_string(text) == dumped(json(text)));
  }
}

TEST_CASE("a JSON string is written as nlohmann writes it wherever in an eight-byte block the awkward character falls") {
  // The writer skips plain ASCII eight bytes at a time: put each kind of character that needs a
  // look at every offset of the first blocks, alone and in pairs, and in seeded random text.
  const std::vector<std::string> awkward = {"\"", "\\", "\n", std::string("\x00", 1), "\x1f", "\x7f", " ", "~",
                                            "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80"};
  int checked = 0;
  for (std::size_t at = 0; at < 18; ++at)
    for (const auto& a : awkward)
      for (const auto& b : {std::string(), std::string("\t"), std::string("\xc3\xa9")}) {
        const std::string text = std::string(at, 'a') + a + std::string(9, 'b') + b + std::string(at % 7, 'c');
        CAPTURE(text);
        CHECK(protocol::json_string(text) == dumped(json(text)));
        ++checked;
      }
  CHECK(checked == 18 * 15 * 3);
  std::mt19937 random(20261203);
  const std::string alphabet = std::string("abcdefgh \"\\/\n\t\x01\x7f", 17) + "\xc3\xa9\xe2\x82\xac\xff";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const std::size_t length = random() % 40;
    for (std::size_t i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
    CAPTURE(text);
    REQUIRE(protocol::json_string(text) == dumped(json(text)));
  }
}
