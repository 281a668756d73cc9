// The outcome summary: one per outcome of the shipped dialog, laid out for its next step, with
// only checked contact details and only redacted free text.
#include <doctest/doctest.h>

#include <regex>
#include <set>

#include "core/outcome_summary.hpp"
#include "core/redaction.hpp"
#include "protocol/protocol.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

constexpr Millis kMarch14 = 1741948325000;  // 2025-03-14T10:32:05Z
const std::string kReference = "ref-summary-test";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs of digits (with spaces) long enough to be a phone number, spaces taken out.
std::set<std::string> number_runs(const std::string& text) {
  static const std::regex run(R"(\d[\d ]{5,}\d)");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), run); it != std::sregex_iterator(); ++it) {
    std::string digits;
    for (char c : it->str())
      if (c != ' ') digits += c;
    out.insert(digits);
  }
  return out;
}

std::string digits_of(const std::string& s) {
  std::string d;
  for (char c : s)
    if (c >= '0' && c <= '9') d += c;
  return d;
}

Summary summary_after(const std::vector<std::string>& answers) {
  Step s = walk(early_help(), shipped().content, answers);
  REQUIRE(s.state.finished);
  return summarise(early_help(), shipped().content, s.state, kReference, kMarch14);
}

}  // namespace

TEST_CASE("every outcome of the early-help dialog has a summary laid out for its next step") {
  struct Case {
    std::vector<std::string> answers;
    const char* node;
    const char* layout;
    const char* section;  // the layout's heading, or "" for none
    std::vector<std::string> present;
    std::vector<std::string> absent;
  };
  const std::string daa = "0113 376 0336", ff = "0113 378 1840", fis = "0113 378 9700";
  const std::vector<Case> cases = {
      {{"yes"}, "call_999", "call", "Points to have ready when you ring",
       {"Phone: 999", "Phone: " + daa, "- Is a child in immediate danger right now? Yes, a child is in immediate danger",
        "When the child is safe, ring Duty and Advice on " + daa, "- 999 is the national emergency number"},
       {"Your answers\n"}},
      {{"unsure"}, "danger_unsure", "call", "Points to have ready when you ring",
       {"If the child could be hurt before anyone can act, call 999", "Phone: " + daa, "immediate danger right now? I'm not sure"},
       {"Your answers\n"}},
      {{"no", "yes"}, "duty_and_advice", "call", "Points to have ready when you ring Duty and Advice",
       {"Outcome: Ring Duty and Advice now: " + daa, "Phone: " + daa, "Duty and Advice will talk with you about your concerns",
        "Or that their health or development will suffer badly without help? Yes, I think so", "Hours: Opening hours are not given in the guidance."},
       {"Your answers\n", "Early Help Request Form: sections"}},
      {{"no", "unsure", "not_yet"}, "talk_to_lead", "call", "Points to take to your Safeguarding Lead or line manager",
       {"Outcome: Talk to your Safeguarding Lead or line manager now", "Have you been able to talk to them about this child? Not yet",
        "Ring Duty and Advice on " + daa},
       {}},
      {{"no", "unsure", "harm"}, "duty_and_advice", "call", "Points to have ready when you ring Duty and Advice",
       {"Have you been able to talk to them about this child? Yes: we think it may be significant harm, or a child in need"},
       {}},
      {{"no", "unsure", "cannot_reach"}, "duty_and_advice_unsure", "call", "Points to have ready when you ring Duty and Advice",
       {"this child? I can't reach them and I'm worried", "Phone: " + daa},
       {}},
      {{"no", "no", "not_yet"}, "seek_consent", "next_steps", "",
       {"Your answers", "- Have you talked with the child or young person and their family about extra help?\n  Not yet",
        "Phone: " + daa},
       {"Points to have ready", "refused"}},
      {{"no", "no", "yes", "child_refuses"}, "child_not_agreed", "next_steps", "",
       {"A parent or carer agrees, but the child or young person does not", "wishes and feelings"}, {}},
      {{"no", "no", "yes", "refused"}, "refusal", "next_steps", "", {"They do not want extra help", "Refusal to Engage"}, {"Leeds Safeguarding Children Partnership guidance"}},
      {{"no", "no", "yes", "not_engaging"}, "not_engaging", "next_steps", "", {"They agreed, but are not taking part", "Disguised Compliance"}, {}},
      {{"no", "unsure", "agreed_early_help", "yes", "refused"}, "refusal", "next_steps", "", {"Yes: we agreed it is neither significant harm nor a child in need, and the family needs help"}, {}},
      {{"no", "no", "yes", "agree", "no", "universal"}, "universal_signpost", "next_steps", "", {"Phone: " + fis, "Family Information Service"}, {}},
      {{"no", "no", "yes", "agree", "no", "unsure", "universal"}, "universal_signpost", "next_steps", "", {"Phone: " + fis}, {}},
      {{"no", "no", "yes", "agree", "no", "single", "yes"}, "register_mosaic", "registration", "Registering the activity on Mosaic",
       {"- Register: Record the early help activity directly on Mosaic.", "- Consent: The child and family agree to early help.",
        "- Stepping down from social work or specialist care: No.", "Early Help: My Plan", "Phone: " + ff},
       {"Ring the Families First team"}},
      {{"no", "no", "yes", "agree", "no", "single", "no"}, "register_families_first", "registration",
       "Registering the activity with the Families First team",
       {"- Register: Ring the Families First team to register the activity on " + ff + ".", "Phone: " + ff},
       {"directly on Mosaic"}},
      {{"no", "no", "yes", "agree", "no", "multi", "text:Help with school attendance and routines", "east"}, "hub_east", "request_form",
       "Early Help Request Form: sections to complete",
       {"- Area: East Leeds", "- Send it to: East Early Help Hub (email eastearlyhelp@leeds.gov.uk)",
        "- Notes for the hub: Help with school attendance and routines", "- Consent: The child and family agree to early help.",
        "- Stepping down from social work or specialist care: No.", "request early help support through an Early Help Hub or cluster",
        "Phone: " + ff, "Typed answers are shown with identifying details"},
       {"Points to have ready"}},
      {{"no", "no", "yes", "agree", "unsure", "multi", "text:", "east"}, "hub_east", "request_form", "Early Help Request Form: sections to complete",
       {"- Stepping down from social work or specialist care: Not sure."}, {"specialist care: No."}},
      {{"no", "no", "yes", "agree", "no", "multi", "text:", "west"}, "hub_west", "request_form", "Early Help Request Form: sections to complete",
       {"- Area: West Leeds", "- Send it to: West Early Help Hub (phone 0113 535 1924, email westearlyhelp@leeds.gov.uk)",
        "- Notes for the hub: None given."},
       {}},
      {{"no", "no", "yes", "agree", "no", "multi", "text:", "south"}, "hub_south", "request_form", "Early Help Request Form: sections to complete",
       {"- Area: South Leeds", "- Send it to: South Early Help Hub (phone 0113 535 0185)"},
       {"southe", "Email: south"}},
      {{"no", "no", "yes", "agree", "yes", "text:", "unknown"}, "hub_unknown", "request_form", "Early Help Request Form: sections to complete",
       {"- Area: Not known.", "- Stepping down from social work or specialist care: Yes.",
        "- Send it to: The Early Help Hub that covers the family", "Targeted Service Leader or Cluster Manager", "eastearlyhelp@leeds.gov.uk"},
       {"southe"}},
      {{"no", "no", "yes", "agree", "no", "multi", "text:his dad punches him in the stomach", "not_yet"}, "duty_and_advice_disclosure", "call",
       "Points to have ready when you ring Duty and Advice",
       {"SAFETY ALERT\n", "A safety alert was raised in this conversation", "Not included: what was typed here raised the safety alert"},
       {"punches", "stomach"}},
  };

  std::set<std::string> reached;
  for (const auto& c : cases) {
    const std::string node = c.node;
    CAPTURE(node);
    Step step = walk(early_help(), shipped().content, c.answers);
    REQUIRE(step.state.finished);
    const auto* o = last_of<OutcomeEvent>(step.events);
    REQUIRE(o);
    const Summary s = summarise(early_help(), shipped().content, step.state, kReference, kMarch14);
    const std::string text = render_summary_text(s);
    CAPTURE(text);

    CHECK(s.node == c.node);
    CHECK(s.outcome == o->code);
    CHECK(s.layout == c.layout);
    CHECK(s.reference == kReference);
    CHECK(s.date == "Friday 14 March 2025, 10:32 (UK time)");
    CHECK(s.time_utc == "2025-03-14T10:32:05Z");
    CHECK(s.answers.size() == step.state.history.size());
    if (*c.section) {
      REQUIRE(s.sections.size() == 1);
      CHECK(s.sections[0].heading == c.section);
      CHECK(!s.sections[0].source.empty());
    } else {
      CHECK(s.sections.empty());
    }

    // Always there: the date, the reference, the outcome and its advice, every answer, every
    // contact as the outcome shows it, the forms, and the source documents.
    CHECK(has(text, "Date: Friday 14 March 2025, 10:32 (UK time)\n"));
    CHECK(has(text, "Reference: " + kReference + "\n"));
    CHECK(has(text, "Outcome: " + o->title + "\n"));
    CHECK(has(text, o->text));
    for (const auto& a : s.answers) {
      CHECK(has(text, a.question));
      CHECK(has(text, a.answer));
    }
    for (const auto& contact : o->contacts) {
      CHECK(has(text, contact.name));
      if (!contact.phone.empty()) CHECK(has(text, "Phone: " + contact.phone));
      if (!contact.email.empty()) CHECK(has(text, "Email: " + contact.email));
    }
    for (const auto& f : o->forms) CHECK(has(text, "- " + f.name + "\n"));
    REQUIRE(!s.sources.empty());
    for (const auto& src : s.sources) CHECK(has(text, src.title));
    CHECK(has(text, "[" + o->source + "]"));

    for (const auto& p : c.present) CHECK_MESSAGE(has(text, p), p);
    for (const auto& a : c.absent) CHECK_MESSAGE(!has(text, a), a);

    // No number but the checked contacts' numbers; the withheld details never.
    std::set<std::string> allowed;
    for (const auto& contact : o->contacts) allowed.insert(digits_of(contact.phone));
    for (const auto& run : number_runs(text)) CHECK_MESSAGE(allowed.count(run) == 1, run);
    std::set<std::string> emails;
    for (const auto& contact : o->contacts) emails.insert(contact.email);
    static const std::regex email(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), email); it != std::sregex_iterator(); ++it)
      CHECK_MESSAGE(emails.count(it->str()) == 1, it->str());
    CHECK(!has(text, "0113535899"));
    CHECK(!has(text, "0113 535 899"));
    CHECK(!has(text, "southeearlyhelp"));
    const std::string fields = protocol::summary_fields_json(s).dump();
    CHECK(!has(fields, "0113535899"));
    CHECK(!has(fields, "southeearlyhelp"));
    reached.insert(s.node);
  }
  for (const auto& n : early_help().nodes)
    if (n.is_outcome()) {
      CAPTURE(n.id);
      CHECK(reached.count(n.id) == 1);
    }
}

TEST_CASE("an NHS number typed as a hub note never appears in the summary") {
  const std::string typed = "NHS number 943 476 5919 - mum on 07700 900123 or jo@example.org - LS14 6AB - born 01/02/2015";
  for (bool kept_redacted : {true, false}) {
    CAPTURE(kept_redacted);
    // As the server does (the state keeps the redacted text), and as if it had not: either way
    // the summary shows only the redacted text.
    Step s = walk(early_help(), shipped().content, {"no", "no", "yes", "agree", "no", "multi"});
    s = advance(early_help(), shipped().content, std::move(s.state),
                TypeInput{"hub_notes", typed, kept_redacted ? std::optional<std::string>(redact(typed)) : std::nullopt}, 2000);
    s = advance(early_help(), shipped().content, std::move(s.state), ChooseInput{"area", "west"}, 2001);
    REQUIRE(s.state.finished);
    const Summary sum = summarise(early_help(), shipped().content, s.state, kReference, kMarch14);
    const std::string text = render_summary_text(sum);
    const std::string fields = protocol::summary_fields_json(sum).dump();
    CAPTURE(text);
    for (const std::string& out : {text, fields}) {
      for (const char* secret : {"943 476 5919", "9434765919", "07700", "900123", "jo@example.org", "LS14", "01/02/2015"})
        CHECK_MESSAGE(!has(out, secret), secret);
      CHECK(has(out, "[nhs_number]"));
      CHECK(has(out, "[email]"));
    }
    CHECK(has(text, "- Notes for the hub: NHS number [nhs_number]"));
  }
}

TEST_CASE("the summary follows the answers after Back") {
  Step s = walk(early_help(), shipped().content, {"no", "no", "yes", "agree", "no", "single", "yes"});
  s = advance(early_help(), shipped().content, std::move(s.state), BackInput{}, 2000);
  s = advance(early_help(), shipped().content, std::move(s.state), ChooseInput{"mosaic", "no"}, 2001);
  const Summary sum = summarise(early_help(), shipped().content, s.state, kReference, kMarch14);
  CHECK(sum.node == "register_families_first");
  REQUIRE(!sum.answers.empty());
  CHECK(sum.answers.back().question.find("Do you have access to Mosaic") != std::string::npos);
  CHECK(sum.answers.back().answer == "No");
  CHECK(sum.answers.size() == 7);
}

TEST_CASE("a conversation not at an outcome has no summary") {
  Step s = walk(early_help(), shipped().content, {"no"});
  const Summary sum = summarise(early_help(), shipped().content, s.state, kReference, kMarch14);
  CHECK(sum.outcome.empty());
  CHECK(render_summary_text(sum).empty());
  nlohmann::json outcome{{"type", "outcome"}};
  protocol::add_summary(outcome, sum);
  CHECK_FALSE(outcome.contains("summary"));
}

TEST_CASE("the summary date is on the UK clock and British Summer Time is counted") {
  struct Case { Millis at; const char* shown; };
  const Case cases[] = {
      {1741948325000, "Friday 14 March 2025, 10:32 (UK time)"},
      {1751371200000, "Tuesday 1 July 2025, 13:00 (UK time)"},
      {1743296399000, "Sunday 30 March 2025, 00:59 (UK time)"},    // a second before the clocks go forward
      {1743296400000, "Sunday 30 March 2025, 02:00 (UK time)"},    // 01:00 UTC: BST begins
      {1761440340000, "Sunday 26 October 2025, 01:59 (UK time)"},  // still BST
      {1761440400000, "Sunday 26 October 2025, 01:00 (UK time)"},  // 01:00 UTC: back to GMT
      {1735689540000, "Tuesday 31 December 2024, 23:59 (UK time)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.at);
    CHECK(uk_date_time(c.at) == c.shown);
  }
}

TEST_CASE("the plain text summary reads as headed sections") {
  const Summary s = summary_after({"no", "no", "yes", "agree", "no", "multi", "text:Routines at home", "east"});
  const std::string text = render_summary_text(s);
  CHECK(text.rfind("Early help in Leeds: summary\n============================\n", 0) == 0);
  const std::vector<std::string> order = {"What to do next\n---", "Early Help Request Form: sections to complete\n---",
                                          "Your answers\n---", "Who to contact\n---", "Forms\n---", "Guidance to read\n---",
                                          "Sources\n---"};
  std::size_t at = 0;
  for (const auto& h : order) {
    CAPTURE(h);
    const auto found = text.find(h, at);
    REQUIRE(found != std::string::npos);
    at = found;
  }
  CHECK(text.back() == '\n');
}

TEST_CASE("after an alert the hub request summary leads with the alert and never carries the text that raised it") {
  Step step = walk(early_help(), shipped().content,
                   {"no", "no", "yes", "agree", "no", "multi", "text:she has been cutting her arms again", "agreed_early_help", "east"});
  REQUIRE(step.state.finished);
  REQUIRE(step.state.current == "hub_east");
  const Summary s = summarise(early_help(), shipped().content, step.state, "c1", 1741948325000);
  const std::string text = render_summary_text(s);
  CAPTURE(text);
  CHECK(s.layout == "request_form");
  CHECK(text.find("cutting") == std::string::npos);
  CHECK(text.find("SAFETY ALERT") < text.find("What to do next"));
  CHECK(text.find("Is there anything the Early Help Hub should know") != std::string::npos);  // where it was typed
  CHECK(text.find("- Notes for the hub: Not included: what was typed here raised the safety alert") != std::string::npos);
  CHECK(text.find("Phone: 0113 376 0336") != std::string::npos);  // Duty and Advice among the contacts
  CHECK(s.contacts.front().id == "emergency_999");
}

TEST_CASE("typed words taken as an option show in the summary as the option, never as the words, the path keeps them for resume") {
  // "text:" answers are typed: at a question they are matched to an option.
  const Step s = walk(early_help(), shipped().content, {"no", "text:I think so, Zqxword says"}, 5000);
  REQUIRE(s.state.finished);
  const Summary sum = summarise(early_help(), shipped().content, s.state, kReference, kMarch14);
  CHECK_FALSE(has(render_summary_text(sum), "Zqxword"));
  CHECK_FALSE(has(protocol::summary_fields_json(sum).dump(), "Zqxword"));
  const auto answers = summary_answers(early_help(), s.state);
  REQUIRE(answers.size() == 2);
  CHECK_FALSE(answers[0].matched);
  CHECK(answers[0].at == 5001);
  CHECK(answers[1].answer == "Yes, I think so");
  CHECK(answers[1].matched);
  CHECK(answers[1].typed_text == "I think so, Zqxword says");
  CHECK(answers[1].at == 5002);
  CHECK(has(protocol::history_json(answers).dump(), "\"typed_text\":\"I think so, Zqxword says\""));
}
