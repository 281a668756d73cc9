// What a caller's keys, words and silences do (src/voice/voice_turn), on the shipped dialog.
#include <doctest/doctest.h>

#include "shipped.hpp"
#include "core/text_fold.hpp"
#include "voice/voice_turn.hpp"

using namespace rc;
using namespace rc::test;
using namespace rc::voice;

namespace {

const Catalogue& content() { return shipped().content; }

CallState started() { return {start_call(early_help(), content(), 1000).next.state, 0}; }

CallTurn keys(const CallState& call, const std::string& digits, bool can_dial = false) {
  return take_turn(early_help(), content(), call, {call.state.current, digits, ""}, can_dial, 2000);
}

CallTurn words(const CallState& call, const std::string& speech) {
  return take_turn(early_help(), content(), call, {call.state.current, "", speech}, false, 2000);
}

// Follows keys from the start.
CallState after_keys(const std::vector<std::string>& presses) {
  CallState call = started();
  for (const auto& k : presses) call = keys(call, k).next;
  return call;
}

const PromptEvent* prompt_of(const CallTurn& t) { return last_of<PromptEvent>(t.reply.events); }

}  // namespace

TEST_CASE("a call begins with the 999 line and then the first question") {
  CallTurn t = start_call(early_help(), content(), 1000);
  REQUIRE(!t.reply.lines.empty());
  CHECK(t.reply.lines.front() == "If a child is in immediate danger, hang up and call 9 9 9 now.");
  REQUIRE(prompt_of(t));
  CHECK(prompt_of(t)->node == "danger");
  CHECK(t.logged_in == nlohmann::json{{"type", "start"}, {"dialog", "early-help"}, {"channel", "voice"}});
}

TEST_CASE("a key chooses the option with that number") {
  CallTurn t = keys(started(), "3");
  CHECK(t.next.state.current == "harm");
  CHECK(t.logged_in["option"] == "no");
  CHECK(t.logged_in["digits"] == "3");
  CHECK(keys(started(), "2").next.state.current == "danger_unsure");
  CHECK(keys(started(), "1").next.state.current == "call_999");
}

TEST_CASE("0 repeats the question with its help and star goes back") {
  CallState at_harm = after_keys({"3"});
  CallTurn again = keys(at_harm, "0");
  CHECK(again.next.state.current == "harm");
  CHECK(again.reply.read_help);
  CHECK(prompt_of(again)->node == "harm");
  CallTurn back = keys(at_harm, "*");
  CHECK(back.next.state.current == "danger");
  CHECK(back.next.state.history.empty());
}

TEST_CASE("star at the first question says there is nothing to go back to") {
  CallTurn t = keys(started(), "*");
  CHECK(t.next.state.current == "danger");
  CHECK(last_of<ErrorEvent>(t.reply.events)->code == "cannot_go_back");
  CHECK(prompt_of(t)->node == "danger");
}

TEST_CASE("a key that is not a choice asks again without moving") {
  for (const std::string k : {"7", "#", "12"}) {
    CAPTURE(k);
    CallTurn t = keys(started(), k);
    CHECK(decide(early_help(), content(), started(), {"danger", k, ""}, false).move == Move::not_a_choice);
    CHECK(t.next.state.current == "danger");
    CHECK(prompt_of(t));
  }
}

TEST_CASE("silence once asks again and twice ends the call safely") {
  CallState call = after_keys({"3"});
  CallTurn first = keys(call, "");
  CHECK(first.next.no_input == 1);
  CHECK_FALSE(first.ends_call);
  CHECK(first.reply.lines == std::vector<std::string>{"Sorry, I did not hear an answer."});
  CHECK(prompt_of(first)->node == "harm");
  CallTurn second = keys(first.next, "");
  CHECK(second.ends_call);
  CHECK(second.reply.hang_up);
  std::vector<std::string> phones;
  for (const auto& c : second.reply.ending_contacts) phones.push_back(c.phone);
  CHECK(phones == std::vector<std::string>{"999", "0113 376 0336"});
}

TEST_CASE("an answer between two silences starts the count again") {
  CallState call = after_keys({"3"});
  CallTurn quiet = keys(call, "");
  CallTurn answered = keys(quiet.next, "3");
  CHECK(answered.next.no_input == 0);
  CHECK_FALSE(keys(answered.next, "").ends_call);
}

TEST_CASE("speech is matched through the same synonyms as typed text") {
  // "not right now" is not a no ("not right now, but she goes home to him tonight"): asked again.
  CHECK(words(started(), "Not right now.").next.state.current == "danger");
  CHECK(words(started(), "not sure").next.state.current == "danger_unsure");
  CHECK(words(started(), "No.").next.state.current == "harm");
  CHECK(words(started(), "Yes they are").next.state.current == "call_999");
  CHECK(words(started(), "three").next.state.current == "harm");
  CHECK(words(started(), "Number one").next.state.current == "call_999");
  CallState at_harm = after_keys({"3"});
  CHECK(words(at_harm, "I'm not sure").next.state.current == "lead_check");
  CHECK(words(at_harm, "go back").next.state.current == "danger");
  CHECK(words(at_harm, "repeat").reply.read_help);
  CallTurn unmatched = words(at_harm, "purple");
  CHECK(unmatched.next.state.current == "harm");
  CHECK(last_of<ErrorEvent>(unmatched.reply.events)->code == "no_match");
}

TEST_CASE("matched words are read back before the next question, a key press is not") {
  CallTurn spoken = words(after_keys({"3"}), "not sure");
  REQUIRE_FALSE(spoken.reply.events.empty());
  const auto* m = std::get_if<MatchedEvent>(&spoken.reply.events.front());
  REQUIRE(m);
  CHECK(m->say == "I took that as: I'm not sure.");
  CHECK(prompt_of(spoken)->node == "lead_check");
  CHECK(std::get_if<MatchedEvent>(&words(started(), "number three").reply.events.front()));  // a spoken number is words too
  CHECK_FALSE(last_of<MatchedEvent>(keys(after_keys({"3"}), "2").reply.events));
}

TEST_CASE("spoken safety words raise the alert and keep the caller's place") {
  CallTurn t = words(started(), "he was hit by his dad");
  const auto* alert = last_of<AlertEvent>(t.reply.events);
  REQUIRE(alert);
  CHECK(t.next.state.current == "danger");
  CHECK(prompt_of(t)->node == "danger");
  CHECK(last_of<ErrorEvent>(t.reply.events) == nullptr);
}

TEST_CASE("a spoken free-text answer is kept only redacted and key 1 means nothing to add") {
  CallState at_notes = after_keys({"3", "3", "1", "1", "3", "3"});
  REQUIRE(at_notes.state.current == "hub_notes");
  CallTurn spoken = words(at_notes, "ring mum on 07700 900123");
  CHECK(spoken.next.state.current == "area");
  CHECK(spoken.next.state.history.back().text == "ring mum on [phone]");
  CHECK(spoken.logged_in["text"] == "ring mum on [phone]");
  CallTurn skipped = keys(at_notes, "1");
  CHECK(skipped.next.state.current == "area");
  CHECK(skipped.next.state.history.back().text.empty());
}

TEST_CASE("an answer for a question the call has left changes nothing") {
  CallState at_harm = after_keys({"3"});
  Decision d = decide(early_help(), content(), at_harm, {"danger", "1", ""}, false);
  CHECK(d.move == Move::stale);
  CallTurn t = take_turn(early_help(), content(), at_harm, {"danger", "1", ""}, false, 2000);
  CHECK(t.next.state.current == "harm");
  CHECK(prompt_of(t)->node == "harm");
}

TEST_CASE("at an outcome keys dial only when dialling is on and only checked numbers") {
  CallState at_duty = after_keys({"3", "1"});
  REQUIRE(at_duty.state.current == "duty_and_advice");
  CHECK(keys(at_duty, "1").reply.dial == std::nullopt);
  CHECK(keys(at_duty, "1").reply.outcome_choices_only);
  CallTurn put_through = keys(at_duty, "1", true);
  REQUIRE(put_through.reply.dial);
  CHECK(put_through.reply.dial->id == "duty_and_advice");
  CHECK(put_through.ends_call);
  CHECK(keys(at_duty, "2", true).reply.dial == std::nullopt);
  // At the 999 outcome the only dialable contact is Duty and Advice: 999 is rung by the caller.
  CallState at_999 = after_keys({"1"});
  CallTurn t = keys(at_999, "1", true);
  REQUIRE(t.reply.dial);
  CHECK(t.reply.dial->phone == "0113 376 0336");
  CHECK(keys(at_999, "2", true).reply.dial == std::nullopt);
}

TEST_CASE("words at an outcome are safety checked and then the choices are read again") {
  CallState at_duty = after_keys({"3", "1"});
  CallTurn t = words(at_duty, "what now");
  CHECK(t.next.state.current == "duty_and_advice");
  CHECK(t.reply.outcome_choices_only);
  CHECK(last_of<ErrorEvent>(t.reply.events)->code == "no_match");
  CallTurn alarmed = words(at_duty, "she is scared to go home");
  CHECK(last_of<AlertEvent>(alarmed.reply.events));
  CHECK(last_of<ErrorEvent>(alarmed.reply.events) == nullptr);
  CHECK(words(at_duty, "go back").next.state.current == "harm");
}

TEST_CASE("speech that is not UTF-8 is heard as silence, and long speech is never cut inside a character") {
  const CallState call = started();
  const CallTurn garbled = words(call, std::string("my \xff\xfe name"));
  CHECK(garbled.next.no_input == 1);  // the caller is asked again, the call goes on
  CHECK(garbled.reply.lines == std::vector<std::string>{"Sorry, I did not hear an answer."});
  // 1,999 bytes of "a" then a two-byte character: the 2,000-byte cut falls inside it.
  const std::string long_speech = std::string(1999, 'a') + "\xc3\xa9" + " more";
  const CallTurn cut = words(call, long_speech);
  CHECK(cut.next.no_input == 0);  // taken as words (not understood, but not a broken turn)
  CHECK(is_utf8(cut.logged_in.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict)));
}
