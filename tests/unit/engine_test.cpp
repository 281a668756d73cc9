#include <doctest/doctest.h>

#include "core/text_match.hpp"
#include "core/state_json.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {
const Catalogue& content() { return shipped().content; }
Step start() { return advance(early_help(), content(), State{}, StartInput{}, 1000); }
Step send(Step step, Input in, Millis now = 2000) { return advance(early_help(), content(), std::move(step.state), in, now); }
const ErrorEvent* error_of(const Step& s) { return last_of<ErrorEvent>(s.events); }
}  // namespace

TEST_CASE("start shows the danger question first - with no way back") {
  Step s = start();
  const auto* p = last_of<PromptEvent>(s.events);
  REQUIRE(p);
  CHECK(p->node == "danger");
  CHECK_FALSE(p->can_go_back);
  CHECK(p->options.size() == 3);  // yes, not sure, no
  CHECK(s.state.version == early_help().content_hash);
  CHECK(s.state.started == 1000);
}

TEST_CASE("typed answers match labels - ids - synonyms and numbers - ignoring case and punctuation") {
  struct Case { const char* typed; const char* lands_on; };
  const Case cases[] = {{"No", "harm"}, {"n", "harm"}, {"  NO!! ", "harm"}, {"3", "harm"}, {"not sure", "danger_unsure"},
                        {"2", "danger_unsure"}, {"I'm not sure", "danger_unsure"}, {"I have no idea", "danger_unsure"},
                        {"Yes", "call_999"}, {"y", "call_999"}, {"1", "call_999"}, {"Yes, a child is in immediate danger", "call_999"}};
  for (const auto& c : cases) {
    CAPTURE(c.typed);
    Step s = send(start(), TypeInput{"danger", c.typed});
    CHECK(s.state.current == c.lands_on);
  }
  Step s = send(send(start(), ChooseInput{"danger", "no"}), TypeInput{"harm", "I'm not sure"});
  CHECK(s.state.current == "lead_check");
  Step s2 = send(send(start(), ChooseInput{"danger", "no"}), TypeInput{"harm", "dont know"});
  CHECK(s2.state.current == "lead_check");
  // "not right now" is not a no: "not right now, but she goes home to him tonight".
  Step later = send(start(), TypeInput{"danger", "not right now"});
  CHECK(error_of(later)->code == "no_match");
  CHECK(later.state.current == "danger");
}

TEST_CASE("an answer that negates an option or asks a question says why - with the help and the offer of a person") {
  const Step at_harm = send(start(), ChooseInput{"danger", "no"});
  struct Case { const char* typed; const char* reason; };
  for (const Case c : {Case{"I don't think it is significant harm", "negated"}, Case{"what counts as a child in need?", "question"}}) {
    CAPTURE(c.typed);
    const Step s = send(at_harm, TypeInput{"harm", c.typed});
    const auto* e = error_of(s);
    REQUIRE(e);
    CHECK(e->code == "no_match");
    CHECK(e->reason == c.reason);
    CHECK(e->help.find("Section 17 of the Children Act 1989") != std::string::npos);
    CHECK(e->handoff_available);
    // The fail-safe ending and the safety contacts, as every no_match has.
    CHECK(e->message.find("Duty and Advice on 0113 376 0336") != std::string::npos);
    CHECK(e->contacts.size() == 2);
    CHECK(s.state.current == "harm");
    CHECK(s.state.history.size() == 1);
    CHECK(last_of<PromptEvent>(s.events)->node == "harm");
  }
  // The caller cannot see the help: a spoken question hears it.
  const Step spoken = send(at_harm, TypeInput{"harm", "should I ring someone"});
  REQUIRE(error_of(spoken));
  CHECK(error_of(spoken)->say.find("Section 17") != std::string::npos);
  // Words that name no option are a plain no_match: no reason, no offer.
  const Step unmatched = send(at_harm, TypeInput{"harm", "purple elephants"});
  const auto* plain = error_of(unmatched);
  CHECK(plain->reason.empty());
  CHECK(plain->help.empty());
  CHECK_FALSE(plain->handoff_available);
}

TEST_CASE("typed words taken as an option say so first - after any alert - and a chosen option does not") {
  const Step at_harm = send(start(), ChooseInput{"danger", "no"});
  const Step typed = send(at_harm, TypeInput{"harm", "i think so"});
  REQUIRE(typed.events.size() >= 2);
  const auto* m = std::get_if<MatchedEvent>(&typed.events.front());
  REQUIRE(m);
  CHECK(m->node == "harm");
  CHECK(m->option == "yes");
  CHECK(m->label == "Yes, I think so");
  CHECK(m->say == "I took that as: Yes, I think so.");
  CHECK(std::holds_alternative<OutcomeEvent>(typed.events.back()));
  // Info nodes on the way come after it.
  const Step infos = send(walk(early_help(), content(), {"no", "no", "yes", "agree"}), TypeInput{"step_down", "yes"});
  REQUIRE(std::holds_alternative<MatchedEvent>(infos.events.front()));
  CHECK(std::holds_alternative<InfoEvent>(infos.events[1]));
  // An alert comes before it: safety first.
  const Step alerted = send(at_harm, TypeInput{"harm", "yes, there was a bruise on her arm, I think so"});
  REQUIRE(alerted.events.size() >= 3);
  CHECK(std::holds_alternative<AlertEvent>(alerted.events[0]));
  CHECK(std::holds_alternative<MatchedEvent>(alerted.events[1]));
  // A button, an unmatched answer and a free-text answer are not "taken as" anything.
  for (const Step& s : {send(at_harm, ChooseInput{"harm", "yes"}), send(at_harm, TypeInput{"harm", "purple elephants"}),
                        send(walk(early_help(), content(), {"no", "no", "yes", "agree", "no", "multi"}), TypeInput{"hub_notes", "yes"})})
    CHECK_FALSE(last_of<MatchedEvent>(s.events));
}

TEST_CASE("an unmatched answer is an error that re-asks the same question") {
  Step s = send(start(), TypeInput{"danger", "perhaps tomorrow"});
  REQUIRE(error_of(s));
  CHECK(error_of(s)->code == "no_match");
  CHECK(s.state.current == "danger");
  const auto* p = last_of<PromptEvent>(s.events);
  REQUIRE(p);
  CHECK(p->node == "danger");
}

TEST_CASE("an answer for a node that is not current is rejected as stale and the place is kept") {
  Step s = send(start(), ChooseInput{"danger", "no"});
  REQUIRE(s.state.current == "harm");
  Step again = send(s, ChooseInput{"danger", "yes"});
  REQUIRE(error_of(again));
  CHECK(error_of(again)->code == "stale_node");
  CHECK(again.state.current == "harm");
  CHECK(again.state.history.size() == 1);
  Step typed = send(again, TypeInput{"danger", "yes"});
  CHECK(error_of(typed)->code == "stale_node");
  CHECK(typed.state.current == "harm");
}

TEST_CASE("an option that does not exist is invalid_option") {
  Step s = send(start(), ChooseInput{"danger", "maybe"});
  REQUIRE(error_of(s));
  CHECK(error_of(s)->code == "invalid_option");
  CHECK(s.state.current == "danger");
}

TEST_CASE("back goes to the previous question - skipping info - and undoes the facts it set") {
  Step s = walk(early_help(), content(), {"no", "no", "yes", "agree", "yes"});
  REQUIRE(s.state.current == "hub_notes");
  CHECK(last_of<InfoEvent>(s.events));  // step_down_info and think_family were shown on the way
  CHECK(facts_of(early_help(), s.state).at("step_down") == "yes");
  Step b0 = send(s, BackInput{});
  CHECK(b0.state.current == "step_down");
  CHECK(facts_of(early_help(), b0.state).count("step_down") == 0);
  Step lead = walk(early_help(), content(), {"no", "unsure"});
  REQUIRE(lead.state.current == "lead_check");
  Step b = send(lead, BackInput{});
  CHECK(b.state.current == "harm");
  Step b2 = send(b, BackInput{});
  CHECK(b2.state.current == "danger");
  Step b3 = send(b2, BackInput{});
  CHECK(error_of(b3)->code == "cannot_go_back");
  CHECK(b3.state.current == "danger");

  Step east = walk(early_help(), content(), {"no", "no", "yes", "agree", "no", "multi", "text:", "east"});
  CHECK(facts_of(early_help(), east.state).at("area") == "east");
  Step back = send(east, BackInput{});
  CHECK(back.state.current == "area");
  CHECK_FALSE(back.state.finished);
  CHECK(facts_of(early_help(), back.state).count("area") == 0);
  Step west = send(back, ChooseInput{"area", "west"});
  CHECK(last_of<OutcomeEvent>(west.events)->code == "hub_request_west");
}

TEST_CASE("restart starts again from the first question with an empty history") {
  Step s = walk(early_help(), content(), {"no", "no", "yes"});
  Step r = send(s, RestartInput{}, 5000);
  CHECK(r.state.current == "danger");
  CHECK(r.state.history.empty());
  CHECK(r.state.started == 5000);
}

TEST_CASE("answering after the outcome is stale, back from the outcome reopens the last question") {
  Step s = walk(early_help(), content(), {"yes"});
  REQUIRE(s.state.finished);
  Step again = send(s, ChooseInput{"call_999", "yes"});
  CHECK(error_of(again)->code == "stale_node");
  Step back = send(s, BackInput{});
  CHECK(back.state.current == "danger");
  CHECK_FALSE(back.state.finished);
}

TEST_CASE("the safety interrupt fires on typed text at a question and keeps the place") {
  struct Case { std::vector<std::string> before; const char* node; const char* typed; const char* level; const char* category; };
  const Case cases[] = {
      {{}, "danger", "he says it is unsafe to go home", "immediate_danger", "immediate_danger"},
      {{"no"}, "harm", "there was a bruise on her arm", "significant_harm", "physical_abuse"},
      {{"no", "no", "yes", "agree", "no"}, "needs", "Dad HIT him last week", "significant_harm", "physical_abuse"},
      {{"no", "no", "yes", "agree"}, "step_down", "she told me she wants to go to sleep and never wake up", "significant_harm", "self_harm_suicide"},
      {{"no", "no"}, "consent_talked", "the older lads give him money to drop parcels off", "significant_harm", "criminal_exploitation"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.typed);
    Step s = walk(early_help(), content(), c.before);
    REQUIRE(s.state.current == c.node);
    Step after = send(s, TypeInput{c.node, c.typed}, 5000);
    const auto* alert = last_of<AlertEvent>(after.events);
    REQUIRE(alert);
    CHECK(alert->category == c.level);
    CHECK(alert->level == "urgent");
    REQUIRE(alert->contacts.size() == 2);
    CHECK(alert->contacts[0].phone == "999");
    CHECK(alert->contacts[1].phone == "0113 376 0336");
    // Its words give the number from content, never the placeholder they are written with.
    CHECK(alert->text.find("Duty and Advice on 0113 376 0336") != std::string::npos);
    CHECK(alert->text.find('{') == std::string::npos);
    REQUIRE_FALSE(alert->detections.empty());  // why, for the reviewer
    CHECK(std::any_of(alert->detections.begin(), alert->detections.end(), [&](const Detection& d) { return d.category == c.category; }));
    CHECK_FALSE(alert->detections.front().words.empty());
    CHECK_FALSE(error_of(after));  // the alert is the reply, not a "no match" scolding
    CHECK(last_of<PromptEvent>(after.events)->node == c.node);
    REQUIRE(after.state.alerts.size() == 1);  // remembered for the rest of the conversation
    CHECK(after.state.alerts[0].node == c.node);
    CHECK(after.state.alerts[0].at == 5000);
  }
}

TEST_CASE("ordinary words and negated harm raise no alert") {
  for (const char* text : {"white board, a chit, this", "nothing worrying", "he kicked off at break", "no concerns about neglect",
                           "I don't think it is significant harm", "It is not significant harm, but the family needs help",
                           "beat the eggs and cut the onions", "she's in danger of missing the deadline"}) {
    CAPTURE(text);
    CHECK(safety_alerts(content(), text).empty());
  }
}

TEST_CASE("typos - capitals - curly quotes and txt-speak still raise the alert") {
  for (const char* text : {"brusies on both arms", "I think she is sucidal", "HE SAYS HIS DAD PUNCHES HIM",
                           "she said \u201cmy step dad touchd me down there\u201d", "u need 2 know he hits her n she is 8"}) {
    CAPTURE(text);
    CHECK_FALSE(safety_alerts(content(), text).empty());
  }
  // A safety word in an answer to the wrong node still raises the alert.
  Step s = send(send(start(), ChooseInput{"danger", "no"}), TypeInput{"danger", "he was beaten"});
  CHECK(last_of<AlertEvent>(s.events));
  CHECK(error_of(s)->code == "stale_node");
  CHECK(s.state.alerts.size() == 1);
}

TEST_CASE("unmatched text is never a bare no match: the reply carries 999 and Duty and Advice from content") {
  Step s = send(start(), TypeInput{"danger", "purple elephants"});
  const auto* e = error_of(s);
  REQUIRE(e);
  CHECK(e->code == "no_match");
  CHECK(e->message.find("call 999") != std::string::npos);
  CHECK(e->message.find("Duty and Advice on 0113 376 0336") != std::string::npos);
  CHECK(e->say.find("9 9 9") != std::string::npos);
  REQUIRE(e->contacts.size() == 2);
  CHECK(e->contacts[1].id == "duty_and_advice");
  CHECK(s.state.alerts.empty());
}

TEST_CASE("a disclosure in free text goes to on_disclosure instead of carrying on - and its text is no fact") {
  Step s = walk(early_help(), content(), {"no", "no", "yes", "agree", "no", "multi"});
  REQUIRE(s.state.current == "hub_notes");
  Step after = send(s, TypeInput{"hub_notes", "his stepdad leathers him", std::string("his stepdad leathers him (kept)")});
  CHECK(last_of<AlertEvent>(after.events));
  CHECK(after.state.current == "disclosure_check");
  REQUIRE_FALSE(after.state.history.empty());
  CHECK(after.state.history.back().alerted);
  CHECK(after.state.history.back().text == "his stepdad leathers him (kept)");
  CHECK(facts_of(early_help(), after.state).count("hub_notes") == 0);

  // Ordinary notes carry on as before.
  Step calm = send(s, TypeInput{"hub_notes", "help with bedtimes"});
  CHECK(calm.state.current == "area");
  CHECK(facts_of(early_help(), calm.state).at("hub_notes") == "help with bedtimes");
}

TEST_CASE("every outcome after an alert shows the safety contacts first and says an alert fired - even after going back") {
  Step alerted = send(walk(early_help(), content(), {"no", "no"}), TypeInput{"consent_talked", "mum was too drunk to stand at pick up"});
  REQUIRE(alerted.state.alert_fired());
  Step back = send(alerted, BackInput{});  // back to harm: the alert is not undone
  CHECK(back.state.alert_fired());
  Step done = walk(early_help(), content(), {}, 0);
  done.state = back.state;
  for (const char* answer : {"no", "yes", "agree", "no", "universal"}) done = send(done, ChooseInput{done.state.current, answer});
  const auto* o = last_of<OutcomeEvent>(done.events);
  REQUIRE(o);
  CHECK(o->code == "universal_signpost");
  CHECK(o->alert_fired);
  CHECK(o->alert_note.find("0113 376 0336") != std::string::npos);
  REQUIRE(o->contacts.size() >= 3);
  CHECK(o->contacts[0].id == "emergency_999");
  CHECK(o->contacts[1].id == "duty_and_advice");
  // Without an alert the same outcome is unchanged.
  const Step calm = walk(early_help(), content(), {"no", "no", "yes", "agree", "no", "universal"});
  const auto* plain = last_of<OutcomeEvent>(calm.events);
  CHECK_FALSE(plain->alert_fired);
  CHECK(plain->contacts.size() == 1);
}

TEST_CASE("state survives a JSON round trip mid-conversation and carries on the same") {
  Step s = walk(early_help(), content(), {"no", "no", "yes", "agree", "yes", "text:anything else: weekends are hard"});
  REQUIRE(s.state.current == "area");
  const auto j = state_to_json(s.state);
  auto back = state_from_json(nlohmann::json::parse(j.dump()));
  REQUIRE(back.ok());
  CHECK(state_to_json(back.value()) == j);
  Step alerted = send(s, TypeInput{"area", "she has a bruise on her face"}, 7);
  auto again = state_from_json(nlohmann::json::parse(state_to_json(alerted.state).dump()));
  REQUIRE(again.ok());
  REQUIRE(again->alerts.size() == 1);
  CHECK(again->alerts[0].categories == std::vector<std::string>{"physical_abuse"});
  CHECK(again->alerts[0].at == 7);
  Step a = advance(early_help(), content(), s.state, ChooseInput{"area", "south"}, 9);
  Step b = advance(early_help(), content(), back.value(), ChooseInput{"area", "south"}, 9);
  CHECK(state_to_json(a.state) == state_to_json(b.state));
  CHECK(last_of<OutcomeEvent>(b.events)->code == "hub_request_south");
  CHECK(last_of<OutcomeEvent>(b.events)->facts.at("step_down") == "yes");
  CHECK(last_of<OutcomeEvent>(b.events)->facts.at("hub_notes") == "anything else: weekends are hard");

  CHECK_FALSE(state_from_json(nlohmann::json{{"dialog", "x"}}).ok());
}

TEST_CASE("each answer keeps when it was given and typed words taken as an option are kept with it, older states still load") {
  Step s = send(start(), ChooseInput{"danger", "no"}, 2000);
  s = send(s, TypeInput{"harm", "I'm not sure, ring me on 07700 900123", std::string("I'm not sure, ring me on [phone]")}, 3000);
  s = send(s, UrgentInput{}, 4000);
  REQUIRE(s.state.history.size() == 3);
  const Answer& chosen = s.state.history[0];
  CHECK(chosen.at == 2000);
  CHECK(chosen.text.empty());  // a button: no words
  const Answer& typed = s.state.history[1];
  CHECK(typed.option == "unsure");
  CHECK(typed.text == "I'm not sure, ring me on [phone]");  // as the server keeps it: redacted
  CHECK(typed.at == 3000);
  CHECK(s.state.history[2].urgent);
  const auto j = state_to_json(s.state);
  CHECK(j["history"][1]["at"] == 3000);
  CHECK(j["history"][1]["text"] == "I'm not sure, ring me on [phone]");
  auto back = state_from_json(nlohmann::json::parse(j.dump()));
  REQUIRE(back.ok());
  CHECK(state_to_json(back.value()) == j);
  // Typed words at a question that raise an alert and are taken as an option are marked so.
  const Step alerted = send(send(start(), ChooseInput{"danger", "no"}), TypeInput{"harm", "yes, there was a bruise on her arm, I think so"}, 5000);
  REQUIRE(alerted.state.history.size() == 2);
  CHECK(alerted.state.history[1].option == "yes");
  CHECK(alerted.state.history[1].alerted);

  // A state stored before answers had times loads, with none, and is written back without them.
  const auto old = state_from_json(nlohmann::json::parse(
      R"({"dialog":"early-help","version":"v","current":"consent_talked","finished":false,"started":1,"updated":2,)"
      R"("history":[{"node":"danger","option":"no"},{"node":"harm","option":"no"}]})"));
  REQUIRE(old.ok());
  REQUIRE(old->history.size() == 2);
  CHECK(old->history[0].at == 0);
  CHECK_FALSE(state_to_json(old.value())["history"][0].contains("at"));
}

TEST_CASE("an input before start is no_conversation") {
  Step s = advance(early_help(), content(), State{}, ChooseInput{"danger", "no"}, 1);
  CHECK(error_of(s)->code == "no_conversation");
}

TEST_CASE("a several-word phrase inside a longer answer matches, single words and ambiguous answers do not") {
  Step lead = walk(early_help(), content(), {"no", "unsure"});
  REQUIRE(lead.state.current == "lead_check");
  CHECK(send(lead, TypeInput{"lead_check", "I can't reach them at the moment"}).state.current == "duty_and_advice_unsure");
  // "no" alone inside a sentence is not taken as the answer "No".
  Step s = send(start(), TypeInput{"danger", "there is no way to tell"});
  CHECK(error_of(s)->code == "no_match");
  // Phrases of two options appear ("still not sure", "early help"): ask again rather than guess.
  Step amb = send(lead, TypeInput{"lead_check", "still not sure, but we agreed early help"});
  REQUIRE(error_of(amb));
  CHECK(error_of(amb)->code == "no_match");
  CHECK(amb.state.current == "lead_check");
}

TEST_CASE("words that raise the alert are taken as an option only at a safety question") {
  // At a later question they are a disclosure: the alert, and the same question again.
  struct Case { std::vector<std::string> before; const char* node; const char* typed; };
  const Case cases[] = {
      {{"no", "no"}, "consent_talked", "we have talked, his dad has a knife and says he will stab him tonight"},
      {{"no", "no", "yes", "agree", "no"}, "needs", "several agencies, his dad punches him"},
      {{"no", "unsure"}, "lead_check", "not yet, he says his stepdad hits him with a belt"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.typed);
    Step s = walk(early_help(), content(), c.before);
    REQUIRE(s.state.current == c.node);
    REQUIRE(match_typed(*early_help().find(c.node), c.typed).option);  // the words do name an option
    const Step after = send(s, TypeInput{c.node, c.typed}, 5000);
    CHECK(last_of<AlertEvent>(after.events));
    CHECK_FALSE(last_of<MatchedEvent>(after.events));
    CHECK(after.state.current == c.node);
    CHECK(after.state.history.size() == s.state.history.size());
    CHECK(last_of<PromptEvent>(after.events)->node == c.node);
  }
  // At a safety question they still answer it.
  const Step harm = send(send(start(), ChooseInput{"danger", "no"}), TypeInput{"harm", "yes, there was a bruise on her arm, I think so"});
  CHECK(last_of<AlertEvent>(harm.events));
  CHECK(harm.state.current == "duty_and_advice");
}

TEST_CASE("at the Safeguarding Lead question, words about the family's needs are not taken as an agreement with the lead") {
  Step lead = walk(early_help(), content(), {"no", "unsure"});
  REQUIRE(lead.state.current == "lead_check");
  for (const char* typed : {"mum needs help with the kids", "I think it is early help"}) {
    CAPTURE(typed);
    const Step s = send(lead, TypeInput{"lead_check", typed});
    CHECK(s.state.current == "lead_check");
    CHECK(error_of(s));
  }
  CHECK(send(lead, TypeInput{"lead_check", "yes, we agreed it is early help"}).state.current == "consent_talked");
}

TEST_CASE("after an alert every outcome carries the note, written and spoken, with the numbers filled from content") {
  Step s = send(walk(early_help(), content(), {"no", "no"}), TypeInput{"consent_talked", "his dad punches him"});
  REQUIRE(last_of<AlertEvent>(s.events));
  for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{{"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "multi"}})
    s = send(s, ChooseInput{node, option});
  REQUIRE(s.state.current == "hub_notes");
  s = send(s, TypeInput{"hub_notes", "a note"});
  s = send(s, ChooseInput{"area", "east"});
  const auto* o = last_of<OutcomeEvent>(s.events);
  REQUIRE(o);
  CHECK(o->alert_fired);
  CHECK(o->alert_note.find("Duty and Advice on 0113 376 0336") != std::string::npos);
  CHECK(o->alert_note_say.find("Duty and Advice") != std::string::npos);
  for (const std::string* t : {&o->alert_note, &o->alert_note_say}) CHECK(t->find('{') == std::string::npos);
}
