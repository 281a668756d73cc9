// Protocol v1 against the real server over a real socket: every message type and error code.
#include <doctest/doctest.h>
#include <httplib.h>

#include <csignal>
#include <fstream>
#include <iterator>

#include "chat_fixture.hpp"
#include "db_reader.hpp"
#include "server_process.hpp"
#include "staff_helpers.hpp"
#include "test_store.hpp"
#include "ws_client.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

using Fixture = ChatFixture;


}  // namespace

TEST_CASE("start replies started then the first prompt - and echoes ref") {
  Fixture f;
  WsClient c(f.server.port());
  REQUIRE(c.connected());
  json m = start_msg();
  m["ref"] = "r-1";
  auto replies = c.request(m);
  REQUIRE(replies.size() == 2);
  const json& started = replies[0];
  CHECK(started["type"] == "started");
  CHECK(started["dialog"] == "early-help");
  CHECK(started["conversation"].get<std::string>().size() == 28);
  // A reference people can read out, stored with the conversation in the transaction of its start.
  const std::string reference = started["reference"];
  CHECK(reference.size() == 12);
  CHECK(reference.rfind("EH-", 0) == 0);
  CHECK(reference.find_first_not_of("EH-0123456789ABCDEFGHJKMNPQRSTVWXYZ") == std::string::npos);
  CHECK(scalar(f.server.db(), "SELECT reference FROM conversations WHERE id = '" + started["conversation"].get<std::string>() + "'") == reference);
  CHECK(started["token"].get<std::string>().size() == 32);
  CHECK(started["version"].get<std::string>().size() == 16);
  CHECK(started["ref"] == "r-1");
  const json& prompt = replies[1];
  CHECK(prompt["type"] == "prompt");
  CHECK(prompt["node"] == "danger");
  CHECK(prompt["input"] == "choice");
  CHECK(prompt["options"].size() == 3);
  CHECK(prompt["can_go_back"] == false);
  CHECK(prompt["ref"] == "r-1");
  CHECK_FALSE(prompt.contains("say"));  // read-aloud wording is for phone and voice
}

TEST_CASE("answers by option and by text - info before the next prompt - back - outcome and end") {
  Fixture f;
  WsClient c(f.server.port());
  c.request(start_msg());
  auto r1 = c.request(answer("danger", "no"));
  CHECK(r1.back()["node"] == "harm");
  // A child stepping down: two info nodes come before the next prompt, in one reply.
  c.request(typed("harm", "no"));
  c.request(answer("consent_talked", "yes"));
  c.request(answer("consent_answer", "agree"));
  auto infos = c.request(answer("step_down", "yes"));
  REQUIRE(infos.size() == 3);
  CHECK(infos[0]["type"] == "info");
  CHECK(infos[0]["node"] == "step_down_info");
  CHECK(infos[1]["node"] == "think_family");
  CHECK(infos[2]["node"] == "hub_notes");
  CHECK(infos[2]["input"] == "text");
  for (int i = 0; i < 3; ++i) c.request({{"type", "back"}});
  auto back = c.request({{"type", "back"}});
  CHECK(back.back()["node"] == "harm");
  auto r2 = c.request(typed("harm", "I'm not sure"));
  REQUIRE(r2.size() == 2);
  CHECK(r2[0]["type"] == "matched");
  CHECK(r2[1]["node"] == "lead_check");
  CHECK(r2[1]["can_go_back"] == true);
  auto out = c.request(answer("lead_check", "cannot_reach"));
  const json& o = out.back();
  REQUIRE(o["type"] == "outcome");
  CHECK(o["outcome"] == "duty_and_advice");
  CHECK(o["contacts"][0]["phone"] == "0113 376 0336");
  CHECK(o["contacts"][0]["source"] == "002_9cb3e83fa45f89f9.txt");
  CHECK(o["handoff_available"] == false);
  CHECK(o["guidance"].size() == 3);
  CHECK(o["title"] == "Ring Duty and Advice to talk it through: 0113 376 0336");
  CHECK(o["points"].size() == 2);
  CHECK_FALSE(o.contains("say"));
  auto ended = c.request({{"type", "end"}});
  CHECK(ended.back()["type"] == "ended");
  CHECK(ended.back()["status"] == "completed");
  c.send({{"type", "back"}});
  CHECK((*c.receive())["code"] == "no_conversation");
}

TEST_CASE("a phone channel conversation carries the read-aloud wording") {
  TempDir dir;
  ServerProcess server{dir};
  const std::string token = add_staff(server.db(), "p.line", "hub:east");  // a phone call is taken by staff
  REQUIRE(server.start());
  WsClient c(server.port());
  json start = start_msg("phone");
  start["staff_token"] = token;
  auto r = c.request(start);
  CHECK(r.back()["say"] == "First, is the child in immediate danger right now?");
}

TEST_CASE("each client mistake gets its own error code and the connection stays open") {
  Fixture f;
  WsClient c(f.server.port());
  struct Case { std::string sent; const char* code; };
  const Case before_start[] = {
      {"{not json", "bad_json"},
      {"[1,2,3]", "bad_json"},
      {R"({"dialog":"early-help"})", "bad_message"},
      {R"({"type":"answer","option":"no"})", "bad_message"},
      {R"({"type":"answer","node":"danger","option":"no","text":"no"})", "bad_message"},
      {R"({"type":"start","dialog":"early-help","channel":"carrier pigeon"})", "bad_message"},
      {R"({"type":"start","dialog":"early-help","ref":42})", "bad_message"},
      {R"({"type":"dance"})", "unknown_type"},
      {R"({"type":"start","dialog":"no-such-dialog"})", "unknown_dialog"},
      {R"({"type":"answer","node":"danger","option":"no"})", "no_conversation"},
      {R"({"type":"back"})", "no_conversation"},
      {R"({"type":"end"})", "no_conversation"},
      {R"({"type":"resume","conversation":"nope","token":"nope"})", "bad_token"},
  };
  for (const auto& k : before_start) {
    CAPTURE(k.sent);
    c.send_text(k.sent);
    auto m = c.receive();
    REQUIRE(m);
    CHECK((*m)["type"] == "error");
    CHECK((*m)["code"] == k.code);
    CHECK_FALSE((*m)["message"].get<std::string>().empty());
  }
  c.request(start_msg());
  c.request(answer("danger", "no"));
  struct EngineCase { json sent; const char* code; const char* still_at; };
  const EngineCase engine[] = {
      {answer("danger", "yes"), "stale_node", "harm"},
      {answer("harm", "perhaps"), "invalid_option", "harm"},
      {typed("harm", "purple"), "no_match", "harm"},
  };
  for (const auto& k : engine) {
    CAPTURE(k.sent.dump());
    auto r = c.request(k.sent);
    REQUIRE(r.size() == 2);
    CHECK(r[0]["code"] == k.code);
    CHECK(r[1]["node"] == k.still_at);
  }
  CHECK_FALSE(c.closed());
  auto still = c.request(answer("harm", "yes"));
  CHECK(still.back()["outcome"] == "duty_and_advice");
}

TEST_CASE("the safety interrupt raises an urgent alert and keeps the place") {
  Fixture f;
  WsClient c(f.server.port());
  c.request(start_msg());
  c.request(answer("danger", "no"));
  auto r = c.request(typed("harm", "there was a bruise on his face"));
  const json* alert = find_type(r, "alert");
  REQUIRE(alert);
  CHECK((*alert)["level"] == "urgent");
  CHECK((*alert)["contacts"][0]["phone"] == "999");
  CHECK((*alert)["contacts"][1]["phone"] == "0113 376 0336");
  CHECK(r.back()["node"] == "harm");
  CHECK(find_type(r, "error") == nullptr);
}

TEST_CASE("an alert is logged for hub review - category and words - and every later outcome says it fired") {
  Fixture f;
  WsClient c(f.server.port());
  std::string id = c.request(start_msg())[0]["conversation"];
  c.request(answer("danger", "no"));
  c.request(typed("harm", "he said his stepdad leathers him"));
  for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{{"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}})
    c.request(answer(node, option));
  auto done = c.request(answer("needs", "universal"));
  const json* outcome = find_type(done, "outcome");
  REQUIRE(outcome);
  CHECK((*outcome)["alert_fired"] == true);
  CHECK((*outcome)["alert_note"].get<std::string>().find("0113 376 0336") != std::string::npos);
  CHECK((*outcome)["contacts"][0]["id"] == "emergency_999");
  CHECK((*outcome)["contacts"][1]["id"] == "duty_and_advice");
  CHECK((*outcome)["summary"].get<std::string>().find("SAFETY ALERT") != std::string::npos);
  CHECK(f.server.stop(SIGTERM) == 0);
  CHECK(scalar(f.server.db(), "SELECT node || ' ' || source || ' ' || level || ' ' || category || ' ' || words FROM safety_alerts WHERE conversation_id = '" +
                                  id + "'") == "harm answer significant_harm physical_abuse [\"stepdad\",\"leathers\",\"him\"]");
}

TEST_CASE("typed text that matches no answer gets the fail-safe line and the safety contacts") {
  Fixture f;
  WsClient c(f.server.port());
  c.request(start_msg());
  auto r = c.request(typed("danger", "purple elephants"));
  const json* e = find_type(r, "error");
  REQUIRE(e);
  CHECK((*e)["code"] == "no_match");
  CHECK((*e)["message"].get<std::string>().find("Duty and Advice on 0113 376 0336") != std::string::npos);
  CHECK((*e)["contacts"][0]["phone"] == "999");
  CHECK(r.back()["node"] == "danger");
}

TEST_CASE("resume after a reconnect re-sends the current prompt or outcome, a wrong token is refused") {
  Fixture f;
  std::string id, token;
  {
    WsClient c(f.server.port());
    auto s = c.request(start_msg());
    id = s[0]["conversation"];
    token = s[0]["token"];
    c.request(answer("danger", "no"));
    c.request(answer("harm", "no"));
  }
  WsClient bad(f.server.port());
  bad.send({{"type", "resume"}, {"conversation", id}, {"token", std::string(32, '0')}});
  CHECK((*bad.receive())["code"] == "bad_token");

  WsClient c(f.server.port());
  auto r = c.request({{"type", "resume"}, {"conversation", id}, {"token", token}, {"ref", "again"}});
  REQUIRE(r.size() == 2);
  CHECK(r[0]["type"] == "resumed");
  CHECK(r[0]["conversation"] == id);
  CHECK(r[1]["node"] == "consent_talked");
  CHECK(r[1]["ref"] == "again");
  auto back = c.request({{"type", "back"}});
  CHECK(back.back()["node"] == "harm");
  c.request(answer("harm", "yes"));
  c.request({{"type", "end"}});
  WsClient after_end(f.server.port());
  after_end.send({{"type", "resume"}, {"conversation", id}, {"token", token}});
  CHECK((*after_end.receive())["code"] == "no_conversation");
  // The turns were all written, in order, with no gaps.
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) = MAX(seq) FROM turns WHERE conversation_id = '" + id + "'") == "1");
  CHECK(scalar(f.server.db(), "SELECT status || ' ' || outcome FROM conversations WHERE id = '" + id + "'") == "completed duty_and_advice");
}

TEST_CASE("a second start ends the first conversation on the connection as abandoned") {
  Fixture f;
  WsClient c(f.server.port());
  std::string first = c.request(start_msg())[0]["conversation"];
  c.request(answer("danger", "no"));
  std::string second = c.request(start_msg())[0]["conversation"];
  CHECK(first != second);
  CHECK(scalar(f.server.db(), "SELECT status FROM conversations WHERE id = '" + first + "'") == "abandoned");
  CHECK(scalar(f.server.db(), "SELECT status FROM conversations WHERE id = '" + second + "'") == "active");
}

TEST_CASE("abuse closes the connection: binary frames - oversized frames - floods") {
  TempDir dir;
  {
    std::ofstream(dir.file("limits.json")) << R"({"limits": {"max_frame_bytes": 1024, "max_messages_per_second": 0.1, "burst_messages": 5, "flood_close_after": 10}})";
  }
  ServerProcess server(dir, {"--config", dir.file("limits.json")});
  REQUIRE(server.start());
  // The error that explains the close comes first, then the close frame with its code.
  auto expect_error_then_close = [&](auto send, const char* code, int close_code) {
    WsClient c(server.port());
    send(c);
    auto m = c.receive();
    REQUIRE(m);
    CHECK((*m)["code"] == code);
    CHECK_FALSE(c.receive());
    CHECK(c.close_code() == close_code);
  };
  expect_error_then_close([](WsClient& c) { c.send_binary("\x01\x02"); }, "bad_message", 1003);
  expect_error_then_close([](WsClient& c) { c.send_text(R"({"type":"start","dialog":")" + std::string(2000, 'x') + "\"}"); }, "too_large", 1009);
  {
    WsClient c(server.port());
    c.send_text(std::string(1024 * 1024, ' '));  // far past the limit: refused without reading it all
    CHECK_FALSE(c.receive());
    CHECK(c.closed());  // with 1009, or a reset if the server hung up while we were still sending
    CHECK((c.close_code() == 1009 || c.close_code() == 0));
  }
  {
    WsClient c(server.port());
    int limited = 0;
    for (int i = 0; i < 40; ++i) c.send({{"type", "dance"}});
    while (auto m = c.receive(2000))
      if ((*m)["code"] == "rate_limited") ++limited;
    CHECK(limited == 10);
    CHECK(c.closed());
    CHECK(c.close_code() == 1008);
  }
  // The server is still fine for everyone else.
  WsClient ok(server.port());
  CHECK(ok.request(start_msg()).back()["node"] == "danger");
}

TEST_CASE("free text is checked for safety first - then only its redacted form is stored") {
  Fixture f;
  WsClient c(f.server.port());
  std::string id = c.request(start_msg())[0]["conversation"];
  for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{
           {"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "multi"}})
    c.request(answer(node, option));
  const std::string raw = "Mum on 07700 900123, NHS 999 123 4567, born 12/03/2015, near LS9 8AB; a bruise on her arm";
  auto r = c.request(typed("hub_notes", raw));
  REQUIRE(find_type(r, "alert"));  // the safety check saw the words
  CHECK_FALSE(find_type(r, "alert")->contains("words"));  // what raised it is for the reviewer, not the practitioner
  CHECK(r.back()["node"] == "disclosure_check");  // a disclosure changes the route
  c.request(typed("danger", "stale text from 07700 900124"));  // stale answers are logged redacted too
  CHECK(f.server.stop(SIGTERM) == 0);

  const std::string stored = scalar(f.server.db(), "SELECT json_extract(message, '$.text') FROM turns WHERE conversation_id = '" + id +
                                                       "' AND message LIKE '%bruise%'");
  CHECK(stored == "Mum on [phone], NHS [nhs_number], born [date], near [postcode]; a bruise on her arm");
  CHECK(scalar(f.server.db(), "SELECT json_extract(state, '$.history[6].text') FROM conversations WHERE id = '" + id + "'") == stored);
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(f.server.db() + suffix, std::ios::binary);
    bytes += std::string(std::istreambuf_iterator<char>(in), {});
  }
  for (const char* secret : {"07700 900123", "07700 900124", "999 123 4567", "12/03/2015", "LS9 8AB"}) {
    CAPTURE(secret);
    CHECK(bytes.find(secret) == std::string::npos);
    CHECK(f.server.log().find(secret) == std::string::npos);
  }
}

TEST_CASE("two connections on one conversation cannot overwrite each other: the stale one is shown where it is now") {
  Fixture f;
  WsClient one(f.server.port());
  auto s = one.request(start_msg());
  const std::string id = s[0]["conversation"], token = s[0]["token"];
  WsClient two(f.server.port());
  CHECK(two.request({{"type", "resume"}, {"conversation", id}, {"token", token}}).back()["node"] == "danger");
  CHECK(one.request(answer("danger", "no")).back()["node"] == "harm");
  auto moved = two.request(answer("danger", "yes"));  // two still thinks the first question is current
  REQUIRE(moved.size() == 3);
  CHECK(moved[0]["code"] == "conversation_moved");
  CHECK(moved[1]["type"] == "resumed");
  CHECK(moved[2]["node"] == "harm");
  CHECK(two.request(answer("harm", "no")).back()["node"] == "consent_talked");
  CHECK(scalar(f.server.db(), "SELECT json_extract(state, '$.current') FROM conversations WHERE id = '" + id + "'") == "consent_talked");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE conversation_id = '" + id + "' AND direction = 'in' AND json_extract(message, '$.option') = 'yes'") == "0");
}

TEST_CASE("the outcome message carries the summary and its fields - the same on resume - with typed text only redacted") {
  Fixture f;
  std::string id, token;
  std::string reference;
  json outcome;
  {
    WsClient c(f.server.port());
    auto s = c.request(start_msg());
    id = s[0]["conversation"];
    token = s[0]["token"];
    reference = s[0]["reference"];
    for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{
             {"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "yes"}})
      c.request(answer(node, option));
    c.request(typed("hub_notes", "Routines at home. NHS number 943 476 5919, mum on 07700 900123"));
    auto r = c.request(answer("area", "west"));
    outcome = r.back();
  }
  REQUIRE(outcome["type"] == "outcome");
  REQUIRE(outcome["summary"].is_string());
  const std::string text = outcome["summary"];
  CHECK(text.find("Reference: " + reference + "\n") != std::string::npos);
  CHECK(text.find(id) == std::string::npos);
  CHECK(text.find("(UK time)") != std::string::npos);
  CHECK(text.find("Early Help Request Form: sections to complete") != std::string::npos);
  CHECK(text.find("- Notes for the hub: Routines at home. NHS number [nhs_number], mum on [phone]") != std::string::npos);
  CHECK(text.find("- Send it to: West Early Help Hub (phone 0113 535 1924, email westearlyhelp@leeds.gov.uk)") != std::string::npos);

  const json& fields = outcome["summary_fields"];
  CHECK(fields["reference"] == reference);
  CHECK(fields["layout"] == "request_form");
  CHECK(fields["outcome"] == "hub_request_west");
  CHECK(fields["title"] == outcome["title"]);
  CHECK(fields["advice"] == outcome["text"]);
  CHECK(fields["points"] == outcome["points"]);
  CHECK(outcome["points"].size() == 3);
  CHECK(fields["contacts"] == outcome["contacts"]);
  CHECK(fields["answers"].size() == 7);
  CHECK(fields["answers"][5]["node"] == "hub_notes");
  CHECK(fields["answers"][5]["typed"] == true);
  CHECK(fields["answers"][5]["answer"] == "Routines at home. NHS number [nhs_number], mum on [phone]");
  CHECK(fields["sections"][0]["heading"] == "Early Help Request Form: sections to complete");
  CHECK(fields["time_utc"].get<std::string>().size() == 20);
  CHECK(!fields["sources"].empty());
  const std::string frame = outcome.dump();
  for (const char* secret : {"943 476 5919", "07700 900123"}) {
    CAPTURE(secret);
    CHECK(frame.find(secret) == std::string::npos);
  }

  // A resumed outcome shows the same summary: same reference, same time.
  WsClient again(f.server.port());
  auto r = again.request({{"type", "resume"}, {"conversation", id}, {"token", token}});
  REQUIRE(r.back()["type"] == "outcome");
  CHECK(r[0]["reference"] == reference);
  CHECK(r.back()["summary"] == outcome["summary"]);
  CHECK(r.back()["summary_fields"] == outcome["summary_fields"]);
}

TEST_CASE("the log keeps an outcome's shared text once - the transcript gives every frame as the practitioner got it") {
  Fixture f;
  const std::vector<std::pair<std::string, std::string>> path{{"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"},
                                                              {"step_down", "no"}, {"needs", "multi"}, {"hub_notes", ""}, {"area", "east"}};
  // One conversation along `path`: its id, and the frames the server logs for it (all but started).
  auto converse = [&](const std::string& notes) {
    WsClient c(f.server.port());
    std::vector<json> got;
    json start = start_msg();
    start["ref"] = "s";
    auto s = c.request(start);
    REQUIRE(s.size() >= 2);
    const std::string id = s[0]["conversation"];
    got.insert(got.end(), s.begin() + 1, s.end());
    int n = 0;
    for (const auto& [node, option] : path) {
      json m = option.empty() ? typed(node, notes) : answer(node, option);
      m["ref"] = std::to_string(++n);
      auto r = c.request(m);
      got.insert(got.end(), r.begin(), r.end());
    }
    REQUIRE(got.back()["type"] == "outcome");
    return std::make_pair(id, got);
  };
  const auto [first, sent] = converse("Weekends are hard.");
  const std::string templates = scalar(f.server.db(), "SELECT COUNT(*) FROM frame_templates");
  CHECK(templates != "0");
  const auto [second, sent_again] = converse("Mornings too.");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM frame_templates") == templates);  // the same questions and outcome: nothing new kept

  // The outcome's row names its template and keeps the conversation's own fields only.
  const std::string row = scalar(f.server.db(), "SELECT message FROM turns WHERE conversation_id = '" + second +
                                                    "' AND direction = 'out' AND message LIKE '%\"type\":\"outcome\"%'");
  CHECK(row.find("\"$template\"") != std::string::npos);
  CHECK(row.find("Mornings too.") != std::string::npos);  // in its summary
  CHECK(row.size() * 3 < sent_again.back().dump().size());
  // What a practitioner typed is never in a template (templates outlive every retention period).
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM frame_templates WHERE body LIKE '%Weekends are hard%' OR body LIKE '%Mornings too%'") == "0");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE message LIKE '%Weekends are hard%' AND direction = 'out'") != "0");

  const std::string admin = add_staff(f.server.db(), "ada", "admin");
  httplib::Client staff("127.0.0.1", f.server.staff_port());
  staff.set_bearer_token_auth(admin.c_str());
  for (const auto& [id, frames] : {std::make_pair(first, sent), std::make_pair(second, sent_again)}) {
    auto r = staff.Get(("/v1/conversations/" + id).c_str());
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const json transcript = json::parse(r->body);
    std::vector<json> logged;
    for (const auto& t : transcript["turns"])
      if (t["direction"] == "out")
        for (const auto& m : t["message"]) logged.push_back(m);
    CHECK(logged == frames);
    bool hub_email = false;
    for (const auto& c : transcript["contacts_shown"]) hub_email = hub_email || c.value("email", "") == "eastearlyhelp@leeds.gov.uk";
    CHECK(hub_email);
  }
}

TEST_CASE("prompts carry no summary") {
  Fixture f;
  WsClient c(f.server.port());
  auto r = c.request(start_msg());
  CHECK_FALSE(r.back().contains("summary"));
  CHECK_FALSE(c.request(answer("danger", "no")).back().contains("summary"));
}

TEST_CASE("an overlong typed answer is refused before any work on it and the server carries on") {
  Fixture f;
  WsClient c(f.server.port());
  c.send({{"type", "answer"}, {"node", "x"}, {"text", std::string(60000, 'a')}});  // no conversation even
  auto m = c.receive();
  REQUIRE(m);
  CHECK((*m)["code"] == "bad_message");
  c.request(start_msg());
  c.send(typed("danger", std::string(2001, '1')));
  auto too_long = c.receive();
  REQUIRE(too_long);
  CHECK((*too_long)["code"] == "bad_message");
  CHECK(http_get(f.server.port(), "/healthz") == 200);
  CHECK(c.request(answer("danger", "no")).back()["node"] == "harm");
}

// The server reads a message in parts of a few hundred bytes (so an idle connection holds a small
// buffer): a message longer than a part, or split into frames anywhere, is still read whole.
TEST_CASE("a message in several frames, or longer than the server's read part, is read whole") {
  Fixture f;
  WsClient c(f.server.port());
  const std::string start = start_msg().dump();
  c.send_fragments({start.substr(0, 1), start.substr(1, 9), start.substr(10)});
  auto started = c.receive_until({"prompt"});
  REQUIRE_FALSE(started.empty());
  CHECK(started.back()["node"] == "danger");
  const std::string notes(1200, 'x');
  for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{
           {"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "multi"}})
    c.request(answer(node, option));
  const std::string typed_notes = typed("hub_notes", "notes " + notes).dump();  // about 1,250 bytes: five parts
  std::vector<std::string> frames;
  for (std::size_t at = 0; at < typed_notes.size(); at += 300) frames.push_back(typed_notes.substr(at, 300));
  c.send_fragments(frames);
  auto next = c.receive_until({"prompt", "outcome"});
  REQUIRE_FALSE(next.empty());
  CHECK(next.back()["node"] == "area");
  c.send_text(typed_notes);  // in one frame: stale now (the question moved on), but read whole and answered
  auto stale = c.receive_until({"prompt", "outcome"});
  REQUIRE_FALSE(stale.empty());
  CHECK(stale.back()["node"] == "area");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE direction = 'in' AND message LIKE '%" + notes + "%'") == "2");
}

TEST_CASE("the log keeps only the fields the protocol knows - never extra ones a client adds") {
  Fixture f;
  WsClient c(f.server.port());
  std::string id = c.request({{"type", "start"}, {"dialog", "early-help"}, {"child_name", "Zebedee Quux"}})[0]["conversation"];
  c.request({{"type", "answer"}, {"node", "danger"}, {"option", "no"}, {"dob", "01/02/2019"}, {"ref", "r9"}});
  CHECK(f.server.stop(SIGTERM) == 0);
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE message LIKE '%Zebedee%' OR message LIKE '%01/02/2019%'") == "0");
  CHECK(scalar(f.server.db(), "SELECT message FROM turns WHERE conversation_id = '" + id + "' AND direction = 'in' AND message LIKE '%answer%'") ==
        R"({"node":"danger","option":"no","ref":"r9","type":"answer"})");
}

TEST_CASE("going back past the area question keeps the area last given, a new one replaces it") {
  Fixture f;
  WsClient c(f.server.port());
  std::string id = c.request(start_msg())[0]["conversation"];
  for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{
           {"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "multi"}})
    c.request(answer(node, option));
  c.request(typed("hub_notes", "none"));
  c.request(answer("area", "west"));
  CHECK(scalar(f.server.db(), "SELECT area FROM conversations WHERE id = '" + id + "'") == "west");
  c.request({{"type", "back"}});
  // Kept, as the outcome is (docs/staff-scope.md): the West hub still sees what it was told.
  CHECK(scalar(f.server.db(), "SELECT area FROM conversations WHERE id = '" + id + "'") == "west");
  c.request(answer("area", "south"));
  CHECK(scalar(f.server.db(), "SELECT area FROM conversations WHERE id = '" + id + "'") == "south");
  CHECK(scalar(f.server.db(), "SELECT group_concat(hub, ',') FROM (SELECT hub FROM conversation_hubs WHERE conversation_id = '" + id + "' ORDER BY hub) AS h") ==
        "south,west");
}

// A turn names area, work_area, agency and the outcome only when they change (issue 18: naming
// area fired its trigger and moved its index entry on every later turn). Triggers the test adds
// count each UPDATE that names a column, whatever its value.
TEST_CASE("a turn writes the area, work area, agency and outcome only when they change, and again after a resume") {
  Fixture f;
  WsClient one(f.server.port());
  auto s = one.request(start_msg());
  const std::string id = s[0]["conversation"], token = s[0]["token"];
  const std::vector<std::string> columns{"area", "work_area", "agency", "outcome_node"};
  if (on_postgresql()) {
    REQUIRE(execute(f.server.db(), "CREATE TABLE named (col TEXT); CREATE FUNCTION note_named() RETURNS trigger LANGUAGE plpgsql AS "
                                   "$$ BEGIN INSERT INTO named VALUES (TG_ARGV[0]); RETURN NULL; END $$"));
    for (const auto& col : columns)
      REQUIRE(execute(f.server.db(), "CREATE TRIGGER named_" + col + " AFTER UPDATE OF " + col +
                                         " ON conversations FOR EACH ROW EXECUTE FUNCTION note_named('" + col + "')"));
  } else {
    REQUIRE(execute(f.server.db(), "CREATE TABLE named (col TEXT)"));
    for (const auto& col : columns)
      REQUIRE(execute(f.server.db(), "CREATE TRIGGER named_" + col + " AFTER UPDATE OF " + col + " ON conversations BEGIN INSERT INTO named VALUES ('" +
                                         col + "'); END"));
  }
  auto named = [&] {
    std::string out;
    for (const auto& r : query(f.server.db(), "SELECT col, COUNT(*) FROM named GROUP BY col ORDER BY col"))
      out += (out.empty() ? "" : " ") + r[0] + "=" + r[1];
    return out;
  };
  auto row = [&] { return scalar(f.server.db(), "SELECT area || ' ' || work_area || ' ' || agency || ' ' || outcome_node FROM conversations WHERE id = '" + id + "'"); };
  auto about = [&](const json& m) {  // answered with the one frame, once written
    one.send(m);
    auto echoed = one.receive();
    REQUIRE(echoed);
    CHECK((*echoed)["type"] == "about");
  };

  about({{"type", "about"}, {"work_area", "east"}, {"agency", "school"}});
  for (const auto& [node, option] : std::vector<std::pair<std::string, std::string>>{
           {"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"}, {"step_down", "no"}, {"needs", "multi"}})
    one.request(answer(node, option));
  one.request(typed("hub_notes", "none"));
  CHECK(named() == "agency=1 work_area=1");
  CHECK(one.request(answer("area", "west")).back()["type"] == "outcome");
  CHECK(named() == "agency=1 area=1 outcome_node=1 work_area=1");
  CHECK(row() == "west east school hub_west");

  about({{"type", "about"}, {"work_area", "east"}, {"agency", "school"}});  // said again, the same
  one.request({{"type", "back"}});
  CHECK(one.request(answer("area", "west")).back()["type"] == "outcome");  // the same answer again
  CHECK(named() == "agency=1 area=1 outcome_node=1 work_area=1");

  one.request({{"type", "back"}});
  one.request(answer("area", "south"));
  about({{"type", "about"}, {"agency", "health"}});
  CHECK(named() == "agency=2 area=2 outcome_node=2 work_area=1");
  CHECK(row() == "south east health hub_south");

  // A resume does not read the area or the outcome: the first turn after it names them again.
  WsClient two(f.server.port());
  CHECK(two.request({{"type", "resume"}, {"conversation", id}, {"token", token}}).back()["node"] == "hub_south");
  two.request({{"type", "back"}});
  CHECK(named() == "agency=2 area=2 outcome_node=2 work_area=1");  // back to the question: neither is given
  two.request(answer("area", "east"));
  CHECK(named() == "agency=2 area=3 outcome_node=3 work_area=1");
  CHECK(row() == "east east health hub_east");

  // One still shows south. A new start there ends the conversation with one's state, without a
  // revision check: the row's area and outcome must be that state's, not what two left.
  one.request(start_msg());
  CHECK(row() == "south east health hub_south");
  CHECK(scalar(f.server.db(), "SELECT status FROM conversations WHERE id = '" + id + "'") == "completed");
}
