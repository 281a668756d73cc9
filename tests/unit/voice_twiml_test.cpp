// TwiML rendering (src/voice/twiml): escaping, numbered choices, numbers read slowly, and
// <Dial> only for checked numbers. Documents are read back with libxml2, a real XML parser.
#include <doctest/doctest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <string>
#include <vector>

#include "voice/twiml.hpp"

using namespace rc;
using namespace rc::voice;

namespace {

const std::string kBase = "https://voice.example.org/v1/voice/early-help";

// The document as libxml2 reads it: the top-level verbs in order, and every Say's text.
struct Parsed {
  bool ok = false;
  std::vector<std::string> verbs;
  std::vector<std::string> says;
  std::string gather_action, gather_input, gather_digits, gather_language, gather_empty, dial;
};

std::string prop(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

std::string content_of(xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

bool is(xmlNode* n, const char* name) { return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0; }

Parsed parse(const std::string& xml) {
  Parsed p;
  xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "twiml.xml", nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) return p;
  xmlNode* root = xmlDocGetRootElement(doc);
  p.ok = root && is(root, "Response");
  for (xmlNode* n = root ? root->children : nullptr; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    p.verbs.push_back(reinterpret_cast<const char*>(n->name));
    if (is(n, "Say")) p.says.push_back(content_of(n));
    if (is(n, "Dial")) p.dial = content_of(n);
    if (is(n, "Gather")) {
      p.gather_action = prop(n, "action");
      p.gather_input = prop(n, "input");
      p.gather_digits = prop(n, "numDigits");
      p.gather_language = prop(n, "language");
      p.gather_empty = prop(n, "actionOnEmptyResult");
      for (xmlNode* c = n->children; c; c = c->next)
        if (is(c, "Say")) p.says.push_back(content_of(c));
    }
  }
  xmlFreeDoc(doc);
  return p;
}

std::string all_said(const Parsed& p) {
  std::string s;
  for (const auto& x : p.says) s += x + " | ";
  return s;
}

bool ends_properly(const Parsed& p) {
  const auto& v = p.verbs;
  if (v.size() >= 2 && v[v.size() - 2] == "Gather" && v.back() == "Redirect") return true;
  return !v.empty() && v.back() == "Hangup";
}

PromptEvent danger_prompt() {
  PromptEvent p;
  p.node = "danger";
  p.text = "Is a child in immediate danger right now?";
  p.say = "First, is the child in immediate danger right now?";
  p.help = "For example, a child who is being hurt.";
  p.options = {{"yes", "Yes, a child is in immediate danger", ""}, {"no", "No", ""}};
  return p;
}

ContactView contact(std::string id, std::string name, std::string phone, std::string email = {}) {
  ContactView c;
  c.id = std::move(id);
  c.name = std::move(name);
  c.phone = std::move(phone);
  c.email = std::move(email);
  return c;
}

OutcomeEvent hub_east_outcome() {
  OutcomeEvent o;
  o.node = "hub_east";
  o.code = "hub_request_east";
  o.text = "Complete an Early Help Assessment & send a request.";
  // The East hub's published phone is withheld: the engine passes the contact with an empty phone.
  o.contacts = {contact("hub_east", "East Early Help Hub", "", "eastearlyhelp@leeds.gov.uk"),
                contact("early_help_support", "Early help support line", "0113 378 1840")};
  o.forms = {{"early_help_assessment", "Early Help Assessment", "", ""}, {"request_form", "Early Help Request Form", "", ""}};
  return o;
}

}  // namespace

TEST_CASE("text is escaped for XML and control characters are dropped") {
  CHECK(xml_escape("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
  CHECK(xml_escape(std::string("bell\x07 and\ttab")) == "bell and\ttab");
  CHECK(xml_escape("Leeds – café") == "Leeds – café");
}

TEST_CASE("numbers are read slowly digit by digit in their printed groups") {
  CHECK(spoken_phone("0113 378 6059") == "0 1 1 3, 3 7 8, 6 0 5 9");
  CHECK(spoken_phone("0113 376 0336") == "0 1 1 3, 3 7 6, 0 3 3 6");
  CHECK(spoken_phone("999") == "9 9 9");
  CHECK(spoken_phone("").empty());
  CHECK(spoken_email("eastearlyhelp@leeds.gov.uk") == "eastearlyhelp at leeds dot gov dot uk");
}

TEST_CASE("only a checked full UK number can be dialled and never 999 or a withheld one") {
  CHECK(dial_number(contact("d", "Duty and Advice", "0113 376 0336")) == "+441133760336");
  CHECK(dial_number(contact("e", "Emergency services", "999")).empty());
  CHECK(dial_number(contact("h", "East hub", "", "eastearlyhelp@leeds.gov.uk")).empty());
  CHECK(dial_number(contact("x", "Broken", "0113535899")).empty());
  auto dialable = dialable_contacts(hub_east_outcome());
  REQUIRE(dialable.size() == 1);
  CHECK(dialable[0].id == "early_help_support");
}

TEST_CASE("a question is a Gather of one key or speech with numbered choices") {
  VoiceReply reply;
  reply.lines = {"If a child is in immediate danger, hang up and call 9 9 9 now."};
  reply.events = {danger_prompt()};
  const Parsed p = parse(render_twiml(reply, {}, kBase));
  REQUIRE(p.ok);
  CHECK(p.verbs == std::vector<std::string>{"Say", "Gather", "Redirect"});
  CHECK(p.says.front() == "If a child is in immediate danger, hang up and call 9 9 9 now.");
  CHECK(p.gather_action == kBase + "?node=danger");
  CHECK(p.gather_input == "dtmf speech");
  CHECK(p.gather_digits == "1");
  CHECK(p.gather_language == "en-GB");
  CHECK(p.gather_empty == "true");
  const std::string said = all_said(p);
  CHECK(said.find("First, is the child in immediate danger right now?") != std::string::npos);
  CHECK(said.find("For Yes, a child is in immediate danger, press 1.") != std::string::npos);
  CHECK(said.find("For No, press 2.") != std::string::npos);
  CHECK(said.find("press 0") != std::string::npos);
  CHECK(said.find("press star") == std::string::npos);  // the first question has nothing to go back to
  CHECK(said.find("For example") == std::string::npos);  // help only on a repeat
  reply.read_help = true;
  CHECK(all_said(parse(render_twiml(reply, {}, kBase))).find("For example, a child who is being hurt.") != std::string::npos);
}

TEST_CASE("what the words were taken as is said before the next question") {
  VoiceReply reply;
  reply.events = {MatchedEvent{"danger", "no", "No", "I took that as: No."}, danger_prompt()};
  const Parsed p = parse(render_twiml(reply, {}, kBase));
  REQUIRE(p.ok);
  REQUIRE(p.says.size() >= 2);
  CHECK(p.says[0] == "I took that as: No.");
  CHECK(p.says[1] == "First, is the child in immediate danger right now?");
  CHECK(ends_properly(p));
}

TEST_CASE("labels with XML characters stay well formed and the configured voice is used") {
  PromptEvent p = danger_prompt();
  p.options[1].label = "No <really> & \"truly\"";
  p.can_go_back = true;
  VoiceReply reply;
  reply.events = {p};
  TwimlSettings settings;
  settings.voice = "Polly.Amy";
  const std::string xml = render_twiml(reply, settings, kBase);
  CHECK(xml.find("voice=\"Polly.Amy\"") != std::string::npos);
  const Parsed parsed = parse(xml);
  REQUIRE(parsed.ok);
  CHECK(all_said(parsed).find("For No <really> & \"truly\", press 2.") != std::string::npos);
  CHECK(all_said(parsed).find("To go back, press star.") != std::string::npos);
}

TEST_CASE("an outcome reads its checked contacts slowly and never a withheld number") {
  VoiceReply reply;
  reply.events = {hub_east_outcome()};
  const Parsed p = parse(render_twiml(reply, {}, kBase));
  REQUIRE(p.ok);
  CHECK(ends_properly(p));
  CHECK(p.gather_action == kBase + "?node=hub_east");
  const std::string said = all_said(p);
  CHECK(said.find("Complete an Early Help Assessment & send a request.") != std::string::npos);
  CHECK(said.find("Phone 0 1 1 3, 3 7 8, 1 8 4 0. Again, that is 0 1 1 3, 3 7 8, 1 8 4 0.") != std::string::npos);
  CHECK(said.find("East Early Help Hub. Email address: eastearlyhelp at leeds dot gov dot uk. Again, that is eastearlyhelp at leeds dot gov dot uk.") != std::string::npos);
  CHECK(said.find("East Early Help Hub. Phone") == std::string::npos);
  CHECK(said.find("Early Help Assessment and Early Help Request Form") != std::string::npos);
  CHECK(said.find("put through") == std::string::npos);  // dialling is off
  CHECK(p.dial.empty());
}

TEST_CASE("with dialling on the outcome offers only the dialable contacts") {
  VoiceReply reply;
  reply.events = {hub_east_outcome()};
  TwimlSettings settings;
  settings.dial = true;
  const std::string said = all_said(parse(render_twiml(reply, settings, kBase)));
  CHECK(said.find("To be put through to Early help support line now, press 1.") != std::string::npos);
  CHECK(said.find("put through to East Early Help Hub") == std::string::npos);
  CHECK(said.find("press 2") == std::string::npos);
}

TEST_CASE("putting a caller through dials the E.164 number and then hangs up") {
  VoiceReply reply;
  reply.dial = contact("duty_and_advice", "Duty and Advice", "0113 376 0336");
  const Parsed p = parse(render_twiml(reply, TwimlSettings{"en-GB", "", true}, kBase));
  REQUIRE(p.ok);
  CHECK(p.dial == "+441133760336");
  CHECK(p.verbs.back() == "Hangup");
}

TEST_CASE("the safe ending reads the numbers and hangs up") {
  VoiceReply reply;
  reply.lines = {"I have not heard an answer, so I will end this call now."};
  reply.hang_up = true;
  reply.ending_contacts = {contact("emergency_999", "Emergency services", "999"), contact("duty_and_advice", "Duty and Advice", "0113 376 0336")};
  reply.events = {danger_prompt()};  // not asked again: the call is ending
  const Parsed p = parse(render_twiml(reply, {}, kBase));
  REQUIRE(p.ok);
  CHECK(p.gather_action.empty());
  CHECK(p.verbs.back() == "Hangup");
  const std::string said = all_said(p);
  CHECK(said.find("Phone 9 9 9.") != std::string::npos);
  CHECK(said.find("Phone 0 1 1 3, 3 7 6, 0 3 3 6.") != std::string::npos);
}

TEST_CASE("a reply with nowhere to go still ends with the numbers and a hangup") {
  VoiceReply reply;
  reply.events = {ErrorEvent{"dialog_error", "This dialog is broken.", {}, {}}};
  reply.ending_contacts = {contact("emergency_999", "Emergency services", "999")};
  const Parsed p = parse(render_twiml(reply, {}, kBase));
  REQUIRE(p.ok);
  CHECK(ends_properly(p));
  CHECK(all_said(p).find("9 9 9") != std::string::npos);
}

TEST_CASE("an option's say reads better than \"For <label>\", names lose their brackets, and an email is read in parts") {
  PromptEvent p = danger_prompt();
  p.options = {{"yes", "Yes, a child is in immediate danger", ""}, {"unsure", "I'm not sure", "If you're not sure"}, {"no", "No", ""}};
  VoiceReply ask;
  ask.events = {p};
  const std::string asked = all_said(parse(render_twiml(ask, {}, kBase)));
  CHECK(asked.find("If you're not sure, press 2.") != std::string::npos);
  CHECK(asked.find("For I'm not sure") == std::string::npos);
  CHECK(asked.find("For No, press 3.") != std::string::npos);

  CHECK(spoken_name("Duty and Advice (Children's Social Work Service Front Door)") == "Duty and Advice, Children's Social Work Service Front Door");
  CHECK(spoken_name("Early help support line, option 1 (registering or completing an Early Help Assessment)") ==
        "Early help support line, option 1, registering or completing an Early Help Assessment");
  ContactView east = contact("hub_east", "East Early Help Hub", "", "eastearlyhelp@leeds.gov.uk");
  east.email_say = "east early help, all one word, at leeds dot gov dot uk";
  const std::string said = spoken_contact(east);
  CHECK(said.find("Email address: east early help, all one word, at leeds dot gov dot uk.") != std::string::npos);
  CHECK(said.find("eastearlyhelp") == std::string::npos);
  ContactView duty = contact("duty_and_advice", "Duty and Advice (Children's Social Work Service Front Door)", "0113 376 0336");
  CHECK(spoken_contact(duty).find("(") == std::string::npos);
}

TEST_CASE("after a safety alert an outcome says so first, before its own next step") {
  VoiceReply reply;
  OutcomeEvent o = hub_east_outcome();
  o.alert_fired = true;
  o.alert_note = "Something you typed raised the safety alert.";
  o.alert_note_say = "Something you said in this call raised the safety alert.";
  reply.events = {o};
  const Parsed p = parse(render_twiml(reply, {}, kBase));
  REQUIRE(p.ok);
  const std::string said = all_said(p);
  const auto note = said.find("Something you said in this call raised the safety alert.");
  REQUIRE(note != std::string::npos);
  CHECK(note < said.find("Complete an Early Help Assessment"));
  CHECK(said.find("Something you typed") == std::string::npos);
  // Without an alert, no note.
  reply.events = {hub_east_outcome()};
  CHECK(all_said(parse(render_twiml(reply, {}, kBase))).find("safety alert") == std::string::npos);
}
