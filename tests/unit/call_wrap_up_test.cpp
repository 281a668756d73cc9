// The wrap-up rule for phone calls (src/server/call_wrap_up.cpp) and the shipped wrap-up codes.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "server/call_wrap_up.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

TEST_CASE("the shipped wrap-up codes are loaded with a source each and two that need no outcome") {
  const auto& codes = shipped().content.wrap_up_codes;
  for (const char* id : {"advice_given", "referred_duty_and_advice", "referred_999", "hub_request", "signposted", "caller_disconnected", "other"}) {
    CAPTURE(id);
    REQUIRE(codes.count(id) == 1);
    CHECK(shipped().content.has_source(codes.at(id).source));
    CHECK_FALSE(codes.at(id).label.empty());
  }
  CHECK_FALSE(codes.at("caller_disconnected").needs_outcome);
  CHECK_FALSE(codes.at("other").needs_outcome);
  CHECK(codes.at("referred_999").needs_outcome);
}

TEST_CASE("every outcome of the early help dialog has exactly one suggested wrap-up code, and every suggestion names one of its outcomes") {
  std::set<std::string> outcomes;
  for (const auto& n : early_help().nodes)
    if (!n.outcome.empty()) outcomes.insert(n.outcome);
  std::map<std::string, std::string> suggested;
  for (const auto& [id, code] : shipped().content.wrap_up_codes)
    for (const auto& outcome : code.suggested_for) {
      CAPTURE(outcome);
      CHECK(outcomes.count(outcome) == 1);
      CHECK(suggested.emplace(outcome, id).second);
    }
  for (const auto& outcome : outcomes) {
    CAPTURE(outcome);
    CHECK(suggested.count(outcome) == 1);
  }
  CHECK(suggested.at("duty_and_advice") == "referred_duty_and_advice");
  CHECK(suggested.at("emergency_999") == "referred_999");
}

TEST_CASE("a wrap-up is checked for its code - the outcome - the confirmation and the note") {
  const State mid = walk(early_help(), shipped().content, {"no"}).state;           // at harm
  const State done = walk(early_help(), shipped().content, {"no", "yes"}).state;   // Duty and Advice
  REQUIRE(done.finished);
  struct Case { const char* name; const State* state; protocol::WrapUpMsg w; const char* error; };
  const Case cases[] = {
      {"a complete wrap-up at an outcome", &done, {true, "referred_duty_and_advice", "Caller will ring D&A now."}, nullptr},
      {"no code", &done, {true, "", "note"}, "unknown_wrap_up_code"},
      {"an unknown code", &done, {true, "sorted", "note"}, "unknown_wrap_up_code"},
      {"an advice code before an outcome", &mid, {false, "advice_given", "note"}, "outcome_not_reached"},
      {"caller rang off before an outcome", &mid, {false, "caller_disconnected", "Line dropped at the harm question."}, nullptr},
      {"an outcome not confirmed", &done, {false, "referred_duty_and_advice", "note"}, "outcome_not_confirmed"},
      {"a missing note", &done, {true, "referred_duty_and_advice", ""}, "note_required"},
      {"a blank note", &mid, {false, "other", " \n "}, "note_required"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto problem = check_wrap_up(shipped().content, *c.state, c.w);
    if (!c.error) {
      CHECK_FALSE(problem.has_value());
    } else {
      REQUIRE(problem.has_value());
      CHECK(problem->code == c.error);
      CHECK_FALSE(problem->message.empty());
    }
  }
}
