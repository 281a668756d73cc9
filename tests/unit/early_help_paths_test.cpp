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
      {{"no", "yes"}, "duty_and_advice", "duty_and_advice", {daa}, {}, false},
      {{"no", "unsure", "harm"}, "duty_and_advice", "duty_and_advice", {daa}, {}, false},
      {{"no", "unsure", "cannot_reach"}, "duty_and_advice_unsure", "duty_and_advice", {daa}, {}, false},
      {{"no", "no", "no", "not_yet"}, "seek_consent", "seek_consent", {daa}, {}, true},
      {{"no", "no", "no", "refused"}, "refusal", "refusal_guidance", {daa}, {}, true},
      {{"no", "unsure", "early_help", "yes", "refused"}, "refusal", "refusal_guidance", {daa}, {}, true},
      {{"no", "no", "no", "yes", "universal"}, "universal_signpost", "universal_signpost", {fis}, {}, false},
      {{"no", "no", "no", "yes", "unsure", "universal"}, "universal_signpost", "universal_signpost", {fis}, {}, false},
      {{"no", "no", "no", "yes", "single", "yes"}, "register_mosaic", "register_single_agency", {ff}, {}, true},
      {{"no", "no", "no", "yes", "single", "no"}, "register_families_first", "register_single_agency", {ff}, {}, true},
      {{"no", "no", "no", "yes", "multi", "text:", "east"}, "hub_east", "hub_request_east", {ff}, {"eastearlyhelp@leeds.gov.uk"}, true},
      {{"no", "no", "no", "yes", "multi", "text:", "west"}, "hub_west", "hub_request_west", {"0113 535 1924", ff}, {"westearlyhelp@leeds.gov.uk"}, true},
      {{"no", "no", "no", "yes", "multi", "text:", "south"}, "hub_south", "hub_request_south", {"0113 535 0185", ff}, {}, true},
      {{"no", "no", "yes", "yes", "multi", "text:", "unknown"}, "hub_unknown", "hub_request_area_unknown", {ff, "0113 535 1924", "0113 535 0185"},
       {"eastearlyhelp@leeds.gov.uk", "westearlyhelp@leeds.gov.uk"}, true},
      // A disclosure typed into the hub notes goes to the Safeguarding Lead check, not on to a hub.
      {{"no", "no", "no", "yes", "multi", "text:his dad punches him", "not_yet"}, "duty_and_advice_disclosure", "duty_and_advice",
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
