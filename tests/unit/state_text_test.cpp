// The state as stored on every turn (state_text) is byte for byte state_to_json(state).dump(),
// along seeded random walks over every shipped dialog that answer, type awkward text, raise
// safety alerts, go back and jump to Urgent, and it reads back as the same state.
#include <doctest/doctest.h>

#include <random>

#include "core/state_json.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

TEST_CASE("the state written without a tree is byte for byte the tree's dump, and reads back the same, along random walks") {
  const std::vector<std::string> typed = {"a note", "quotes \" and \\ and\ttabs\nand lines", "control \x01\x1f and DEL \x7f",
                                          "r\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x91\x8d", "he hit her and she has bruises", "yes", "no"};
  std::size_t checked = 0, alerted = 0, urgent = 0;
  for (const auto& d : shipped().dialogs) {
    CAPTURE(d.id);
    std::mt19937 rng(20261203);
    for (int walk_no = 0; walk_no < 600; ++walk_no) {
      Step s = advance(d, shipped().content, State{}, StartInput{}, 1'700'000'000'000);
      for (int step = 0; step < 40 && !s.state.finished; ++step) {
        const Node* n = d.find(s.state.current);
        REQUIRE(n);
        Input in;
        const int roll = static_cast<int>(rng() % 30);
        if (roll < 3 && s.state.can_go_back()) in = BackInput{};
        else if (roll == 3) in = UrgentInput{};
        else if (n->kind == NodeKind::text || roll < 8) in = TypeInput{n->id, typed[rng() % typed.size()]};
        else in = ChooseInput{n->id, n->options[rng() % n->options.size()].id};
        s = advance(d, shipped().content, std::move(s.state), in, 1'700'000'000'000 + step + 1);
        const std::string text = state_text(s.state);
        REQUIRE(text == state_to_json(s.state).dump());
        const auto back = state_from_json(nlohmann::json::parse(text));
        REQUIRE(back);
        CHECK(state_text(back.value()) == text);
        ++checked;
        alerted += s.state.alert_fired();
        urgent += std::any_of(s.state.history.begin(), s.state.history.end(), [](const Answer& a) { return a.urgent; });
      }
    }
  }
  CHECK(checked > 1000);
  CHECK(alerted > 0);  // the walks reached the parts of the state that are optional
  CHECK(urgent > 0);
}

TEST_CASE("a state from before answers had times, with an Urgent place and an alerted answer, is written as the tree writes it") {
  State s;
  s.dialog = "early-help";
  s.version = "v1";
  s.current = "harm";
  s.history = {Answer{.node = "danger", .option = "no"}, Answer{.node = "harm", .urgent = true},
               Answer{.node = "hub_notes", .text = "typed \"words\"", .alerted = true, .at = 5}, Answer{.node = "notes", .text = ""}};
  s.alerts.push_back({"hub_notes", "significant_harm", {"physical_abuse", "neglect"}, 5});
  CHECK(state_text(s) == state_to_json(s).dump());
  s.alerts.clear();
  s.history.clear();
  CHECK(state_text(s) == state_to_json(s).dump());
}
