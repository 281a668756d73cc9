// The voice channel end to end (docs/voice.md): the real server, a provider played over
// loopback by VoiceCaller (signed form posts, each Gather's action followed, TwiML read with
// libxml2), and the SQLite log read back.
#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <set>

#include "guidance/guidance_loader.hpp"
#include "db_reader.hpp"
#include "process.hpp"
#include "server_process.hpp"
#include "staff_helpers.hpp"
#include "voice_caller.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

const std::string kBase = "https://voice.example.org";
const std::string kToken = "test-auth-token-0123456789";

// Spoken numbers, as the outcomes read them.
const std::string k999 = "9 9 9", kDuty = "0 1 1 3, 3 7 6, 0 3 3 6", kFamiliesFirst = "0 1 1 3, 3 7 8, 1 8 4 0",
                  kFis = "0 1 1 3, 3 7 8, 9 7 0 0", kWest = "0 1 1 3, 5 3 5, 1 9 2 4", kSouth = "0 1 1 3, 5 3 5, 0 1 8 5";

// A server with voice on, on a fresh database; `dial` turns on putting callers through.
struct VoiceServer {
  TempDir dir;
  ServerProcess server;
  explicit VoiceServer(bool dial = false) : server(dir, {"--config", write_config(dir, dial)}) { REQUIRE(server.start()); }
  static std::string write_config(const TempDir& dir, bool dial) {
    const std::string path = dir.file("voice.json");
    std::ofstream(path) << json{{"voice", {{"enabled", true}, {"public_base_url", kBase}, {"auth_token", kToken}, {"dial", dial}}}}.dump();
    return path;
  }
  VoiceCaller caller(const std::string& call_sid) { return VoiceCaller(server.port(), kBase, kToken, call_sid); }
  std::string db_scalar(const std::string& sql) { return scalar(server.db(), sql, true); }
};

std::string sid(int n) {
  std::string digits = std::to_string(n);
  return "CA" + std::string(32 - digits.size(), '0') + digits;
}

std::string node_of(const Twiml& t) {
  const auto at = t.gather_action.find("?node=");
  return at == std::string::npos ? std::string() : t.gather_action.substr(at + 6);
}

// Never spoken, never dialled: the East hub's published phone (one digit short) and the South
// hub's doubtful email are withheld by the content check.
void check_nothing_withheld(const Twiml& t) {
  CHECK_FALSE(t.heard("5 3 5, 8 9 9"));
  CHECK_FALSE(t.heard("0113535899"));
  CHECK_FALSE(t.heard("southeearlyhelp"));
  for (const auto& d : t.dials) CHECK(d != "+44113535899");
}

struct OutcomePath {
  std::vector<std::string> keys;    // "" answers the free-text question with nothing (key 1)
  std::vector<std::string> speech;  // the same path in words
  const char* node;
  const char* outcome;
  std::vector<std::string> numbers;  // spoken, slowly
};

// Keys: danger 1 yes, 2 not sure, 3 no; harm 1 yes, 2 not sure, 3 no; lead_check 1 not yet ... 4 still
// not sure, 5 can't reach; consent_talked 1 yes, 2 not yet; consent_answer 1 agree, 3 child does
// not, 4 refused, 5 not taking part; step_down 1 yes, 3 no; needs 1 universal, 2 single, 3 multi,
// 4 parent; mosaic 1 yes, 2 no; area 1 east, 2 west, 3 south, 4 don't know.
const std::vector<OutcomePath> kOutcomes = {
    {{"1"}, {"Yes they are"}, "call_999", "emergency_999", {k999, kDuty}},
    {{"2"}, {"not sure"}, "danger_unsure", "danger_unsure", {k999, kDuty}},
    {{"3", "1"}, {"no", "I think so"}, "duty_and_advice", "duty_and_advice", {kDuty}},
    {{"3", "2", "1"}, {"No.", "maybe", "not yet"}, "talk_to_lead", "talk_to_lead", {kDuty}},
    {{"3", "2", "4"}, {"no", "I don't know", "still not sure"}, "duty_and_advice_unsure", "duty_and_advice", {kDuty}},
    {{"3", "3", "2"}, {"no", "no", "Not yet."}, "seek_consent", "seek_consent", {kDuty}},
    {{"3", "3", "1", "3"}, {"n", "no", "yes", "child does not agree"}, "child_not_agreed", "seek_consent", {kDuty}},
    {{"3", "3", "1", "4"}, {"no", "no", "we have talked", "they refused"}, "refusal", "refusal_guidance", {kDuty}},
    {{"3", "3", "1", "5"}, {"no", "no", "yes", "not engaging"}, "not_engaging", "refusal_guidance", {kDuty}},
    {{"3", "3", "1", "1", "3", "1"}, {"no", "no", "yes", "they agree", "no", "universal"}, "universal_signpost", "universal_signpost", {kFis}},
    {{"3", "3", "1", "1", "3", "2", "1"}, {"no", "no", "yes", "agree", "no", "single agency", "yes"}, "register_mosaic", "register_single_agency",
     {kFamiliesFirst}},
    {{"3", "3", "1", "1", "3", "2", "2"}, {"no", "no", "yes", "consent", "no", "my agency", "no"}, "register_families_first", "register_single_agency",
     {kFamiliesFirst}},
    {{"3", "3", "1", "1", "3", "3", "", "1"}, {"no", "no", "yes", "agree", "no", "several agencies", "Weekends are hard for the family.", "East Leeds"},
     "hub_east", "hub_request_east", {kFamiliesFirst}},
    {{"3", "3", "1", "1", "3", "3", "", "2"}, {"no", "no", "yes", "agree", "no", "multi agency", "Nothing more to add.", "west"}, "hub_west",
     "hub_request_west", {kWest, kFamiliesFirst}},
    {{"3", "3", "1", "1", "3", "4", "", "3"}, {"no", "no", "yes", "agree", "no", "adult services", "None.", "South Leeds"}, "hub_south",
     "hub_request_south", {kSouth, kFamiliesFirst}},
    {{"3", "3", "1", "1", "1", "", "4"}, {"no", "no", "yes", "agree", "stepping down", "No names, just routines.", "north Leeds"}, "hub_unknown",
     "hub_request_area_unknown", {kWest, kSouth, kFamiliesFirst}},
    // A disclosure at the free-text question goes to the Safeguarding Lead check, then Duty and Advice.
    {{"3", "3", "1", "1", "3", "3", "say:his dad punches him in the stomach", "1"},
     {"no", "no", "yes", "agree", "no", "multi", "his dad punches him in the stomach", "not yet"}, "duty_and_advice_disclosure", "duty_and_advice",
     {kDuty, k999}},
};

void check_outcome(VoiceServer& vs, const Twiml& last, const OutcomePath& p, const std::string& call_sid) {
  REQUIRE(last.parsed);
  CHECK(node_of(last) == p.node);
  for (const auto& number : p.numbers) CHECK_MESSAGE(last.heard(number), number << " not read in: " << last.said());
  CHECK(last.dials.empty());  // dialling is off
  check_nothing_withheld(last);
  // Read for the ear: emails in parts, names without brackets, nothing a caller cannot see.
  if (p.node == std::string("hub_east")) CHECK(last.heard("east early help, all one word, at leeds dot gov dot uk"));
  CHECK_FALSE(last.heard("listed below"));
  CHECK_FALSE(last.heard("("));
  const std::string conv = vs.db_scalar("SELECT conversation_id FROM voice_calls WHERE call_sid = '" + call_sid + "'");
  CHECK(vs.db_scalar("SELECT channel || ' ' || status || ' ' || outcome || ' ' || outcome_node FROM conversations WHERE id = '" + conv + "'") ==
        std::string("voice completed ") + p.outcome + " " + p.node);
  // A call has a readable reference like any conversation (chosen free in the transaction of its start).
  CHECK(vs.db_scalar("SELECT reference FROM conversations WHERE id = '" + conv + "'").rfind("EH-", 0) == 0);
}

}  // namespace

TEST_CASE("the harness signs exactly as the provider's published example") {
  CHECK(provider_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
                           {{"CallSid", "CA1234567890ABCDE"}, {"Caller", "+14158675309"}, {"Digits", "1234"}, {"From", "+14158675309"}, {"To", "+18005551212"}}) ==
        "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST_CASE("the voice walks cover every outcome node of the shipped dialog") {
  const auto guidance = rc::load_guidance({std::string(RC_SOURCE_DIR) + "/dialogs"}, std::string(RC_SOURCE_DIR) + "/content");
  const rc::Dialog* dialog = guidance.find("early-help");
  REQUIRE(dialog);
  std::set<std::string> outcomes, walked;
  for (const auto& n : dialog->nodes)
    if (n.is_outcome()) outcomes.insert(n.id);
  for (const auto& p : kOutcomes) {
    walked.insert(p.node);
    CHECK(p.keys.size() == p.speech.size());
  }
  CHECK(walked == outcomes);
}

TEST_CASE("a caller hears the 999 line first and then the first question as a Gather") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  Twiml t = c.call();
  CHECK(t.status == 200);
  REQUIRE(t.parsed);
  REQUIRE(t.verbs.size() >= 3);
  CHECK(t.verbs[0] == "Say");
  CHECK(t.says[0] == "If a child is in immediate danger, hang up and call 9 9 9 now.");
  CHECK(t.gather_action == kBase + "/v1/voice/early-help?node=danger");
  CHECK(t.gather["input"] == "dtmf speech");
  CHECK(t.gather["numDigits"] == "1");
  CHECK(t.gather["language"] == "en-GB");
  CHECK(t.gather["actionOnEmptyResult"] == "true");
  CHECK(t.heard("First, is the child in immediate danger right now?"));
  CHECK(t.heard("For Yes, a child is in immediate danger, press 1."));
  CHECK(t.heard("If you're not sure, press 2."));
  CHECK(t.heard("For No, press 3."));
  CHECK_FALSE(t.heard("For I'm not sure"));
  CHECK(vs.db_scalar("SELECT channel || ' ' || status FROM conversations") == "voice active");
  CHECK(vs.db_scalar("SELECT json_extract(message, '$.type') || ' ' || json_extract(message, '$.channel') FROM turns WHERE seq = 1") == "start voice");
}

TEST_CASE("every outcome of early-help is reached by keys and its checked numbers are read slowly") {
  VoiceServer vs;
  int n = 100;
  for (const auto& p : kOutcomes) {
    CAPTURE(p.node);
    VoiceCaller c = vs.caller(sid(++n));
    REQUIRE(c.call().status == 200);
    for (const auto& k : p.keys) REQUIRE((k.rfind("say:", 0) == 0 ? c.say(k.substr(4)) : c.press(k.empty() ? "1" : k)).status == 200);
    check_outcome(vs, c.last(), p, c.call_sid());
  }
}

TEST_CASE("every outcome of early-help is reached by speech through the dialog's synonyms") {
  VoiceServer vs;
  int n = 200;
  for (const auto& p : kOutcomes) {
    CAPTURE(p.node);
    VoiceCaller c = vs.caller(sid(++n));
    REQUIRE(c.call().status == 200);
    for (const auto& words : p.speech) {
      CAPTURE(words);
      REQUIRE(c.say(words).status == 200);
      CHECK_FALSE(c.last().heard("did not catch"));
    }
    check_outcome(vs, c.last(), p, c.call_sid());
  }
  // Spoken free text is kept only redacted.
  CHECK(vs.db_scalar("SELECT COUNT(*) FROM turns WHERE message LIKE '%Weekends are hard%'") == "1");
}

TEST_CASE("over the wire key 0 repeats with the help and star goes back") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  CHECK(node_of(c.press("3")) == "harm");
  Twiml again = c.press("0");
  CHECK(node_of(again) == "harm");
  CHECK(again.heard("Section 17 of the Children Act 1989"));  // the help, read on a repeat
  Twiml back = c.press("*");
  CHECK(node_of(back) == "danger");
  Twiml first = c.press("*");
  CHECK(node_of(first) == "danger");
  CHECK(first.heard("nothing to go back to"));
  Twiml wrong = c.press("9");
  CHECK(node_of(wrong) == "danger");
  CHECK(wrong.heard("not one of the choices"));
}

TEST_CASE("silence once repeats the question and twice ends the call reading the numbers") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  c.press("3");
  Twiml once = c.silence();
  CHECK(once.heard("Sorry, I did not hear an answer."));
  CHECK(node_of(once) == "harm");
  Twiml twice = c.silence();
  REQUIRE(twice.parsed);
  CHECK(twice.gather_action.empty());
  CHECK(twice.hangs_up);
  CHECK(twice.verbs.back() == "Hangup");
  CHECK(twice.heard(k999));
  CHECK(twice.heard(kDuty));
  CHECK(vs.db_scalar("SELECT status || ' ' || (ended_at IS NOT NULL) FROM conversations") == "abandoned 1");
}

TEST_CASE("a spoken safety word raises the alert with its numbers and keeps the caller's place") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  Twiml t = c.say("I think he was hit");
  CHECK(t.heard("hang up and call 9 9 9 now"));
  CHECK(t.heard(kDuty));
  CHECK(node_of(t) == "danger");
  CHECK_FALSE(t.heard("did not catch"));
}

TEST_CASE("the caller hears what their words were taken as before the next question, and a spoken question gets the help") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  Twiml t = c.say("No.");
  REQUIRE(t.says.size() >= 2);
  CHECK(t.says[0] == "I took that as: No.");
  CHECK(node_of(t) == "harm");
  t = c.say("what counts as a child in need");
  CHECK(t.heard("That sounded like a question, so I did not take it as an answer."));
  CHECK(t.heard("Section 17 of the Children Act 1989"));
  CHECK(t.heard(kDuty));
  CHECK(node_of(t) == "harm");
  t = c.press("2");  // a key is not words: nothing to read back
  CHECK_FALSE(t.heard("I took that as"));
  CHECK(node_of(t) == "lead_check");
}

TEST_CASE("words that match no answer get the fail-safe line with the checked numbers - never a bare did not catch") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  Twiml t = c.say("purple elephants");
  CHECK(t.heard("Sorry, I did not catch that."));
  CHECK(t.heard("hang up and call 9 9 9"));
  CHECK(t.heard(kDuty));
  CHECK(node_of(t) == "danger");
}

TEST_CASE("a spoken disclosure is logged for hub review with its category and words") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  c.say("her stepdad leathers her with a belt");
  CHECK(vs.db_scalar("SELECT source || ' ' || category || ' ' || level FROM safety_alerts") == "speech physical_abuse significant_harm");
  CHECK(vs.db_scalar("SELECT words FROM safety_alerts").find("leathers") != std::string::npos);
}

TEST_CASE("a missing or bad signature is refused with 403 and audited") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  const std::string url = c.webhook_url();
  const Params params = c.call_params();
  CHECK(c.post(url, params, std::string()).status == 403);                                     // missing
  CHECK(c.post(url, params, provider_signature("wrong-token", url, params)).status == 403);    // another account's token
  // Signed over the address the server was reached at (the Host header): not the public URL.
  const std::string host_url = "http://127.0.0.1:" + std::to_string(vs.server.port()) + "/v1/voice/early-help";
  CHECK(c.post(url, params, provider_signature(kToken, host_url, params)).status == 403);
  Params tampered = params;
  const std::string good = provider_signature(kToken, url, params);
  tampered.emplace_back("Digits", "1");
  CHECK(c.post(url, tampered, good).status == 403);  // a parameter added after signing
  // One audit row per source and minute, however many it sends: the rest are counted.
  CHECK(vs.db_scalar("SELECT COUNT(*) FROM audit WHERE actor = 'voice' AND action = 'voice_rejected'") == "1");
  CHECK(vs.db_scalar("SELECT json_extract(target, '$.reason') FROM audit ORDER BY id LIMIT 1") == "missing signature");
  CHECK(vs.db_scalar("SELECT address FROM audit ORDER BY id LIMIT 1") == "127.0.0.1");
  CHECK(vs.db_scalar("SELECT COUNT(*) FROM conversations") == "0");
  CHECK(c.post(url, params, good).status == 200);  // and the genuine request goes through
  CHECK(vs.server.log().find(kToken) == std::string::npos);
}

TEST_CASE("a flood of unsigned voice requests costs one audit row a minute, and is counted in metrics") {
  VoiceServer vs;
  const std::string admin = add_staff(vs.server.db(), "ada", "admin");
  VoiceCaller c = vs.caller(sid(2));
  for (int i = 0; i < 200; ++i) REQUIRE(c.post(c.webhook_url(), c.call_params(), std::string()).status == 403);
  CHECK(vs.db_scalar("SELECT COUNT(*) FROM audit WHERE action = 'voice_rejected'") == "1");
  httplib::Client staff("127.0.0.1", vs.server.staff_port());
  staff.set_bearer_token_auth(admin.c_str());
  auto metrics = staff.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("rightconv_voice_rejected_total 200") != std::string::npos);
}

TEST_CASE("requests without a CallSid are refused and unknown calls start again from the 999 line") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  Params no_sid;
  for (const auto& p : c.call_params())
    if (p.first != "CallSid") no_sid.push_back(p);
  CHECK(c.post(c.webhook_url(), no_sid).status == 400);
  CHECK(c.post(kBase + "/v1/voice/no-such-dialog", c.call_params()).status == 404);
  // An answer for a call the server has never seen (its place lost): start again, safely.
  Params answer = c.call_params();
  answer.emplace_back("Digits", "3");
  Twiml t = c.post(c.webhook_url() + "?node=consent", answer);
  CHECK(t.status == 200);
  CHECK(t.heard("start again"));
  CHECK(t.heard("hang up and call 9 9 9 now"));
  CHECK(node_of(t) == "danger");
  CHECK(vs.db_scalar("SELECT COUNT(*) FROM conversations WHERE channel = 'voice'") == "1");
}

TEST_CASE("a server restart in the middle of a call carries the call on") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  c.press("3");
  CHECK(node_of(c.press("3")) == "consent_talked");
  CHECK(vs.server.stop(SIGKILL) == 128 + SIGKILL);
  REQUIRE(vs.server.start());
  c.set_port(vs.server.port());
  CHECK(node_of(c.press("1")) == "consent_answer");  // the action URL from before the restart
  c.press("1");
  c.press("3");
  c.press("2");
  Twiml t = c.press("2");
  CHECK(node_of(t) == "register_families_first");
  CHECK(vs.db_scalar("SELECT COUNT(*) FROM conversations") == "1");
  CHECK(vs.db_scalar("SELECT COUNT(*) FROM turns WHERE direction = 'in'") == "8");
}

TEST_CASE("a retried request does not move the call twice") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  Params answer = c.call_params();
  answer.emplace_back("Digits", "3");
  const std::string action = c.last().gather_action;
  CHECK(node_of(c.post(action, answer)) == "harm");
  CHECK(node_of(c.post(action, answer)) == "harm");  // the same request again: where the call is
  CHECK(vs.db_scalar("SELECT json_array_length(json_extract(state, '$.history')) FROM conversations") == "1");
  CHECK(node_of(c.call()) == "harm");  // the first webhook again: the 999 line, then where it is
  CHECK(c.last().says[0] == "If a child is in immediate danger, hang up and call 9 9 9 now.");
}

TEST_CASE("with dialling on an outcome puts the caller through only to a checked number") {
  VoiceServer vs(true);
  VoiceCaller duty = vs.caller(sid(1));
  duty.call();
  duty.press("3");
  Twiml outcome = duty.press("1");
  CHECK(outcome.heard("To be put through to Duty and Advice"));
  Twiml dial = duty.press("1");
  CHECK(dial.dials == std::vector<std::string>{"+441133760336"});
  CHECK(dial.hangs_up);

  VoiceCaller emergency = vs.caller(sid(2));
  emergency.call();
  Twiml at_999 = emergency.press("1");
  CHECK(at_999.heard("Hang up and call 9 9 9 now. If you can, stay on to hear the number for Duty and Advice"));
  // 999 first, then Duty and Advice: never the other way round.
  CHECK(at_999.said().find("Hang up and call 9 9 9") < at_999.said().find("Duty and Advice, Children's Social Work Service Front Door"));
  CHECK_FALSE(at_999.heard("(Children's"));
  CHECK(at_999.heard("press 1."));
  CHECK_FALSE(at_999.heard("press 2."));
  CHECK(emergency.press("2").dials.empty());  // only one dialable contact: 999 is never dialled
  CHECK(emergency.press("1").dials == std::vector<std::string>{"+441133760336"});

  VoiceCaller east = vs.caller(sid(3));
  east.call();
  for (const char* k : {"3", "3", "1", "1", "3", "3", "1"}) east.press(k);
  Twiml at_east = east.press("1");
  REQUIRE(node_of(at_east) == "hub_east");
  CHECK_FALSE(at_east.heard("put through to East Early Help Hub"));  // its phone is withheld
  CHECK(east.press("1").dials == std::vector<std::string>{"+441133781840"});
  CHECK(vs.db_scalar("SELECT COUNT(*) FROM conversations WHERE ended_at IS NOT NULL") == "3");
}

TEST_CASE("the provider's hang-up ends the call's conversation") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  c.press("3");
  Twiml t = c.hang_up();
  CHECK(t.status == 200);
  CHECK(t.parsed);
  CHECK(vs.db_scalar("SELECT status || ' ' || (ended_at IS NOT NULL) FROM conversations") == "abandoned 1");
}

TEST_CASE("calls appear in hub review as voice conversations and the caller's number is never kept") {
  VoiceServer vs;
  VoiceCaller c = vs.caller(sid(1));
  c.call();
  for (const char* k : {"3", "3", "1", "1", "3", "3"}) c.press(k);
  c.say("Call me on 07700 900123 about the weekends");
  c.press("2");
  auto added = run_process(RC_BINARY, {"staff", "add", "admin1", "--role", "admin", "--name", "Admin", "--db", vs.server.db()});
  REQUIRE(added.exit_code == 0);
  httplib::Client staff("127.0.0.1", vs.server.staff_port());
  staff.set_bearer_token_auth(added.out.substr(0, added.out.find('\n')).c_str());
  auto list = staff.Get("/v1/conversations?channel=voice");
  REQUIRE(list);
  REQUIRE(list->status == 200);
  json items = json::parse(list->body)["items"];
  REQUIRE(items.size() == 1);
  CHECK(items[0]["outcome"] == "hub_request_west");
  CHECK(items[0]["area"] == "west");
  auto transcript = staff.Get(("/v1/conversations/" + items[0]["id"].get<std::string>()).c_str());
  REQUIRE(transcript);
  CHECK(transcript->body.find("[phone] about the weekends") != std::string::npos);
  const std::string everything = scalar(vs.server.db(),
                                        "SELECT group_concat(t, ' ') FROM (SELECT message AS t FROM turns UNION ALL SELECT state FROM conversations "
                                        "UNION ALL SELECT call_sid FROM voice_calls UNION ALL SELECT target FROM audit)",
                                        true);
  CHECK(everything.find("7700900123") == std::string::npos);
  CHECK(everything.find("07700 900123") == std::string::npos);
}

TEST_CASE("voice answers 404 unless it is configured") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  VoiceCaller c(server.port(), kBase, kToken, sid(1));
  CHECK(c.call().status == 404);
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM audit", true) == "0");
}
