#include <doctest/doctest.h>

#include <random>

#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

TEST_CASE("thousands of seeded random walks over every shipped dialog end at an outcome within a bound") {
  for (const auto& d : shipped().dialogs) {
    CAPTURE(d.id);
    std::mt19937 rng(20261125);
    const std::size_t bound = 10 * d.nodes.size();
    std::size_t outcomes = 0;
    for (int walk_no = 0; walk_no < 3000; ++walk_no) {
      Step s = advance(d, shipped().content, State{}, StartInput{}, 0);
      std::size_t steps = 0;
      while (!s.state.finished && steps < bound) {
        const Node* n = d.find(s.state.current);
        REQUIRE(n);
        Input in;
        const int roll = static_cast<int>(rng() % 10);
        if (roll == 0 && s.state.can_go_back()) in = BackInput{};
        else if (n->kind == NodeKind::text) in = TypeInput{n->id, "a note"};
        else if (roll == 1) {  // type an option's label instead of choosing its id
          in = TypeInput{n->id, n->options[rng() % n->options.size()].label};
        } else in = ChooseInput{n->id, n->options[rng() % n->options.size()].id};
        s = advance(d, shipped().content, std::move(s.state), in, static_cast<Millis>(++steps));
        for (const auto& e : s.events) CHECK_FALSE(std::holds_alternative<ErrorEvent>(e));
      }
      CHECK(s.state.finished);
      outcomes += s.state.finished;
    }
    CHECK(outcomes == 3000);
  }
}
