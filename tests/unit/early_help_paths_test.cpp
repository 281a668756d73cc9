#include <doctest/doctest.h>

#include <set>

#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

TEST_CASE("every outcome of the early-help dialog is reached by a scripted path - with the right numbers") {
  struct Path {
    std::vector<std::string> answers;
    const char* node;
    const char* outcome;
    std::vector<std::string> phones;  // shown, in order
    std::vector<std::string> emails;
    bool handoff;
  };
  const std::string daa = "0113 376 0336", ff = "0113 378 1840", fis = "0113 378 9700";
  const std::vector<Path> paths = {
      {{"yes"}, "call_999", "emergency_999", {"999", daa}, {}, false},
      {{"unsure"}, "danger_unsure", "danger_unsure", {"999", daa}, {}, false},
      {{"no", "yes"}, "duty_and_advice", "duty_and_advice", {daa}, {}, false},
      {{"no", "unsure", "not_yet"}, "talk_to_lead", "talk_to_lead", {daa}, {}, false},
      {{"no", "unsure", "harm"}, "duty_and_advice", "duty_and_advice", {daa}, {}, false},
      {{"no", "unsure", "still_unsure"}, "duty_and_advice_unsure", "duty_and_advice", {daa}, {}, false},
      {{"no", "unsure", "cannot_reach"}, "duty_and_advice_unsure", "duty_and_advice", {daa}, {}, false},
      {{"no", "no", "not_yet"}, "seek_consent", "seek_consent", {daa}, {}, true},
      {{"no", "no", "yes", "undecided"}, "seek_consent", "seek_consent", {daa}, {}, true},
      {{"no", "no", "yes", "child_refuses"}, "child_not_agreed", "seek_consent", {daa}, {}, true},
      {{"no", "no", "yes", "refused"}, "refusal", "refusal_guidance", {daa}, {}, true},
      {{"no", "no", "yes", "parent_refuses"}, "refusal", "refusal_guidance", {daa}, {}, true},
      {{"no", "no", "yes", "not_engaging"}, "not_engaging", "refusal_guidance", {daa}, {}, true},
      {{"no", "unsure", "agreed_early_help", "yes", "refused"}, "refusal", "refusal_guidance", {daa}, {}, true},
      {{"no", "no", "yes", "agree", "no", "universal"}, "universal_signpost", "universal_signpost", {fis}, {}, false},
      {{"no", "no", "yes", "agree", "no", "unsure", "universal"}, "universal_signpost", "universal_signpost", {fis}, {}, false},
      {{"no", "no", "yes", "agree", "no", "single", "yes"}, "register_mosaic", "register_single_agency", {ff}, {}, true},
      {{"no", "no", "yes", "agree", "no", "single", "no"}, "register_families_first", "register_single_agency", {ff}, {}, true},
      {{"no", "no", "yes", "agree", "no", "single", "unsure"}, "register_families_first", "register_single_agency", {ff}, {}, true},
      {{"no", "no", "yes", "agree", "no", "multi", "text:", "east"}, "hub_east", "hub_request_east", {ff}, {"eastearlyhelp@leeds.gov.uk"}, true},
      {{"no", "no", "yes", "agree", "no", "multi", "text:", "west"}, "hub_west", "hub_request_west", {"0113 535 1924", ff}, {"westearlyhelp@leeds.gov.uk"}, true},
      {{"no", "no", "yes", "agree", "no", "multi", "text:", "south"}, "hub_south", "hub_request_south", {"0113 535 0185", ff}, {}, true},
      {{"no", "no", "yes", "agree", "no", "parent", "text:", "south"}, "hub_south", "hub_request_south", {"0113 535 0185", ff}, {}, true},
      // Stepping down goes to the planned, multi-agency route.
      {{"no", "no", "yes", "agree", "yes", "text:", "unknown"}, "hub_unknown", "hub_request_area_unknown", {"0113 535 1924", "0113 535 0185", ff},
       {"eastearlyhelp@leeds.gov.uk", "westearlyhelp@leeds.gov.uk"}, true},
      // A disclosure typed into the hub notes goes to the Safeguarding Lead check, not on to a hub.
      {{"no", "no", "yes", "agree", "no", "multi", "text:his dad punches him", "not_yet"}, "duty_and_advice_disclosure", "duty_and_advice",
       {daa, "999"}, {}, false},
  };
  std::set<std::string> reached;
  for (const auto& p : paths) {
    CAPTURE(p.node);
    Step s = walk(early_help(), shipped().content, p.answers);
    const auto* o = last_of<OutcomeEvent>(s.events);
    REQUIRE(o);
    CHECK(s.state.finished);
    CHECK(o->node == p.node);
    CHECK(o->code == p.outcome);
    CHECK(o->handoff_available == p.handoff);
    std::vector<std::string> phones, emails;
    for (const auto& c : o->contacts) {
      if (!c.phone.empty()) phones.push_back(c.phone);
      if (!c.email.empty()) emails.push_back(c.email);
    }
    CHECK(phones == p.phones);
    CHECK(emails == p.emails);
    CHECK(!o->source.empty());
    // Numbers written {contact.phone} in the dialog are filled from content/; none is left raw.
    CHECK(o->title.find('{') == std::string::npos);
    CHECK(o->text.find('{') == std::string::npos);
    CHECK(o->say.find('{') == std::string::npos);
    CHECK(o->points.size() <= 3);
    for (const auto& point : o->points) CHECK(point.find('{') == std::string::npos);
    reached.insert(o->node);
  }
  for (const auto& n : early_help().nodes)
    if (n.is_outcome()) {
      CAPTURE(n.id);
      CHECK(reached.count(n.id) == 1);
    }
}

TEST_CASE("danger comes first: the 999 outcome is one answer away") {
  Step s = walk(early_help(), shipped().content, {"yes"});
  CHECK(last_of<OutcomeEvent>(s.events)->code == "emergency_999");
  CHECK(s.state.history.size() == 1);
}

TEST_CASE("outcomes lead with the next step and its number, filled from content") {
  const Step da_step = walk(early_help(), shipped().content, {"no", "yes"});
  const auto* da = last_of<OutcomeEvent>(da_step.events);
  REQUIRE(da);
  CHECK(da->title == "Ring Duty and Advice now: 0113 376 0336");
  const Step ff_step = walk(early_help(), shipped().content, {"no", "no", "yes", "agree", "no", "single", "no"});
  const auto* ff = last_of<OutcomeEvent>(ff_step.events);
  REQUIRE(ff);
  CHECK(ff->title.find("0113 378 1840, option 1") != std::string::npos);
  const Step east_step = walk(early_help(), shipped().content, {"no", "no", "yes", "agree", "no", "multi", "text:", "east"});
  const auto* east = last_of<OutcomeEvent>(east_step.events);
  REQUIRE(east);
  CHECK(east->title.find("eastearlyhelp@leeds.gov.uk") != std::string::npos);
  // Registration, the Targeted Service Leader and the forms' place are on every hub outcome.
  std::string points;
  for (const auto& p : east->points) points += p + "\n";
  CHECK(points.find("Register the activity") != std::string::npos);
  CHECK(points.find("Targeted Service Leader or Cluster Manager") != std::string::npos);
  CHECK(points.find("Leeds Safeguarding Children Partnership website") != std::string::npos);
}

TEST_CASE("unsure about significant harm stops until the Safeguarding Lead conversation has happened") {
  Step s = walk(early_help(), shipped().content, {"no", "unsure"});
  REQUIRE(s.state.current == "lead_check");
  CHECK_FALSE(s.state.finished);
  Step stop = walk(early_help(), shipped().content, {"no", "unsure", "not_yet"});
  const auto* o = last_of<OutcomeEvent>(stop.events);
  REQUIRE(o);
  CHECK(o->code == "talk_to_lead");
  CHECK(o->come_back);  // the web chat offers a link back to this point
  // Coming back: Back from the stop is the lead question again, and a child in need goes to Duty and Advice.
  Step back = advance(early_help(), shipped().content, stop.state, BackInput{}, 5000);
  CHECK(back.state.current == "lead_check");
  Step cin = advance(early_help(), shipped().content, back.state, TypeInput{"lead_check", "child in need"}, 6000);
  CHECK(last_of<OutcomeEvent>(cin.events)->code == "duty_and_advice");
}

TEST_CASE("not having talked with the family is never recorded as a refusal") {
  for (const char* typed : {"no", "n", "not yet", "haven't"}) {
    CAPTURE(typed);
    Step s = walk(early_help(), shipped().content, {"no", "no", std::string("text:") + typed});
    const auto* o = last_of<OutcomeEvent>(s.events);
    REQUIRE(o);
    CHECK(o->code == "seek_consent");
    CHECK(facts_of(early_help(), s.state).at("consent") == "not_asked");
  }
}

TEST_CASE("the documents give no hours: a deployment's checked hours and out-of-hours line show on Duty and Advice outcomes") {
  // Shipped: the hours are said to be missing, and no out-of-hours contact appears.
  const Step plain = walk(early_help(), shipped().content, {"no", "yes"});
  const auto* o = last_of<OutcomeEvent>(plain.events);
  REQUIRE(o);
  REQUIRE(o->contacts.size() == 1);
  CHECK(o->contacts[0].hours == "Opening hours are not given in the guidance.");

  // Configured (0113 496 0xxx is a range kept for drama, never a real line).
  const GuidanceSet site = load_guidance({source_path("dialogs")}, source_path("content"),
                                         nlohmann::json{{"duty_and_advice", {{"hours", "Monday to Friday, 9am to 5pm"}}},
                                                        {"duty_and_advice_out_of_hours", {{"phone", "0113 496 0123"}}}},
                                         "site.json");
  CHECK_FALSE(has_errors(site.problems));
  const Dialog& d = *site.find("early-help");
  for (const std::vector<std::string>& path : {std::vector<std::string>{"no", "yes"}, {"yes"}, {"unsure"}, {"no", "unsure", "not_yet"}}) {
    const Step s = walk(d, site.content, path);
    const auto* out = last_of<OutcomeEvent>(s.events);
    REQUIRE(out);
    CAPTURE(out->node);
    bool hours = false, out_of_hours = false;
    for (const auto& c : out->contacts) {
      hours = hours || (c.id == "duty_and_advice" && c.hours == "Monday to Friday, 9am to 5pm");
      out_of_hours = out_of_hours || (c.id == "duty_and_advice_out_of_hours" && c.phone == "0113 496 0123" && c.source == "config: site.json");
    }
    CHECK(hours);
    CHECK(out_of_hours);
  }
  // A malformed out-of-hours number is refused like any other.
  const GuidanceSet bad = load_guidance({source_path("dialogs")}, source_path("content"),
                                        nlohmann::json{{"duty_and_advice_out_of_hours", {{"phone", "0113 496"}}}}, "site.json");
  CHECK(has_errors(bad.problems));
}
