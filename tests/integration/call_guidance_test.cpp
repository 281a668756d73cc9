// Call guidance for phone-line staff over real sockets (docs/protocol.md, "Phone calls"): the
// staff token that starts a call, Urgent and back, notes, the wrap-up and its rules, and the
// call as the hub review sees it through the staff API.
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <iterator>

#include "db_reader.hpp"
#include "process.hpp"
#include "server_process.hpp"
#include "staff_helpers.hpp"
#include "ws_client.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

// A server with one phone-line worker and one admin reviewer.
struct CallLine {
  TempDir dir;
  ServerProcess server{dir};
  std::string worker, admin;
  CallLine() {
    worker = add_staff(server.db(), "p.line", "hub:south");
    admin = add_staff(server.db(), "ada", "admin");
    REQUIRE(server.start());
  }
};

json phone_start(const std::string& token) {
  return {{"type", "start"}, {"dialog", "early-help"}, {"channel", "phone"}, {"staff_token", token}};
}
json answer(const std::string& node, const std::string& option) { return {{"type", "answer"}, {"node", node}, {"option", option}}; }
json wrap_up(bool confirmed, const std::string& code, const std::string& note) {
  return {{"type", "wrap_up"}, {"outcome_confirmed", confirmed}, {"code", code}, {"note", note}};
}

// Sends a message whose reply is a single frame (an error, a note, wrapped_up) and returns it.
json one_reply(WsClient& c, const json& message) {
  c.send(message);
  auto m = c.receive();
  REQUIRE(m);
  return *m;
}

json staff_get(unsigned short port, const std::string& token, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_bearer_token_auth(token.c_str());
  auto r = client.Get(path.c_str());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return json::parse(r->body);
}

std::string whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("a phone call needs a staff token - a wrong one is refused - the right one records who took the call") {
  CallLine f;
  WsClient c(f.server.port());
  json no_token{{"type", "start"}, {"dialog", "early-help"}, {"channel", "phone"}};
  CHECK(one_reply(c, no_token)["code"] == "staff_token_required");
  CHECK(one_reply(c, phone_start("rcs_not_a_real_token"))["code"] == "bad_token");
  CHECK(one_reply(c, {{"type", "start"}, {"dialog", "early-help"}, {"channel", "phone"}, {"staff_token", 42}})["code"] == "bad_message");

  auto replies = c.request(phone_start(f.worker));
  REQUIRE(replies.size() == 2);
  const json& started = replies[0];
  CHECK(started["type"] == "started");
  CHECK(started["staff"]["id"] == "p.line");
  CHECK(started["staff"]["name"] == "p.line (test)");
  CHECK(started["wrapped_up"] == false);
  REQUIRE(started["wrap_up_codes"].is_array());
  CHECK(started["wrap_up_codes"].size() == 8);
  CHECK(replies[1]["say"] == "First, is the child in immediate danger right now?");

  const std::string id = started["conversation"];
  CHECK(scalar(f.server.db(), "SELECT channel FROM conversations WHERE id = '" + id + "'") == "phone");
  CHECK(scalar(f.server.db(), "SELECT staff_id FROM phone_calls WHERE conversation_id = '" + id + "'") == "p.line");
  // The staff token is nowhere in the log, the database file or the server's output.
  c.request(answer("danger", "no"));
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE message LIKE '%staff_token%' OR message LIKE '%" + f.worker + "%'") == "0");
  CHECK(f.server.stop() == 0);
  CHECK(whole_file(f.server.db()).find(f.worker) == std::string::npos);
  CHECK(whole_file(f.server.db() + "-wal").find(f.worker) == std::string::npos);
  CHECK(f.server.log().find(f.worker) == std::string::npos);
}

TEST_CASE("urgent mid-call jumps to the immediate danger question and back returns to the place") {
  CallLine f;
  WsClient c(f.server.port());
  c.request(phone_start(f.worker));
  c.request(answer("danger", "no"));
  auto at = c.request(answer("harm", "unsure"));
  REQUIRE(at.back()["node"] == "lead_check");

  auto jumped = c.request({{"type", "urgent"}, {"ref", "u1"}});
  REQUIRE(jumped.size() == 1);
  CHECK(jumped[0]["type"] == "prompt");
  CHECK(jumped[0]["node"] == "danger");
  CHECK(jumped[0]["can_go_back"] == true);
  CHECK(jumped[0]["ref"] == "u1");

  auto back = c.request({{"type", "back"}});
  CHECK(back.back()["node"] == "lead_check");
  // From an outcome too: Urgent leaves it, back returns to it.
  auto outcome = c.request(answer("lead_check", "cannot_reach"));
  REQUIRE(outcome.back()["type"] == "outcome");
  CHECK(c.request({{"type", "urgent"}}).back()["node"] == "danger");
  CHECK(c.request({{"type", "back"}}).back()["outcome"] == "duty_and_advice");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE direction = 'in' AND message LIKE '%\"type\":\"urgent\"%'") == "2");
}

TEST_CASE("a note is stored and echoed redacted - and only a phone call takes notes") {
  CallLine f;
  WsClient c(f.server.port());
  const std::string id = c.request(phone_start(f.worker))[0]["conversation"];
  json echo = one_reply(c, {{"type", "note"}, {"text", "Caller on 07700 900123, email jo@example.org"}});
  CHECK(echo["type"] == "note");
  CHECK(echo["text"] == "Caller on [phone], email [email]");
  CHECK(scalar(f.server.db(), "SELECT json_extract(message, '$.text') FROM turns WHERE conversation_id = '" + id +
                                  "' AND direction = 'in' AND json_extract(message, '$.type') = 'note'") == "Caller on [phone], email [email]");
  CHECK(scalar(f.server.db(), "SELECT COUNT(*) FROM turns WHERE message LIKE '%07700%'") == "0");
  // A note is typed text: a safety word raises the alert first.
  c.send({{"type", "note"}, {"text", "caller says the boy was hit"}});
  auto alerted = c.receive_until({"note"});
  REQUIRE(alerted.size() == 2);
  CHECK(alerted[0]["type"] == "alert");
  CHECK(one_reply(c, {{"type", "note"}, {"text", "  "}})["code"] == "bad_message");

  WsClient web(f.server.port());
  web.request({{"type", "start"}, {"dialog", "early-help"}});
  CHECK(one_reply(web, {{"type", "note"}, {"text", "hello"}})["code"] == "not_a_call");
  CHECK(one_reply(web, wrap_up(true, "other", "x"))["code"] == "not_a_call");
}

TEST_CASE("the wrap-up is checked - end waits for it - and it is stored once") {
  CallLine f;
  WsClient c(f.server.port());
  const std::string id = c.request(phone_start(f.worker))[0]["conversation"];
  c.request(answer("danger", "no"));
  CHECK(one_reply(c, wrap_up(true, "advice_given", "Talked it through."))["code"] == "outcome_not_reached");
  CHECK(one_reply(c, {{"type", "end"}})["code"] == "wrap_up_required");
  CHECK(one_reply(c, phone_start(f.worker))["code"] == "wrap_up_required");  // nor by starting another

  auto outcome = c.request(answer("harm", "yes"));
  REQUIRE(outcome.back()["outcome"] == "duty_and_advice");
  struct Case { json sent; const char* code; };
  const Case refused[] = {
      {wrap_up(true, "all_sorted", "note"), "unknown_wrap_up_code"},
      {wrap_up(true, "", "note"), "unknown_wrap_up_code"},
      {wrap_up(false, "referred_duty_and_advice", "note"), "outcome_not_confirmed"},
      {wrap_up(true, "referred_duty_and_advice", ""), "note_required"},
      {{{"type", "wrap_up"}, {"outcome_confirmed", true}, {"code", "referred_duty_and_advice"}}, "note_required"},
      {{{"type", "wrap_up"}, {"outcome_confirmed", "yes"}, {"code", "referred_duty_and_advice"}, {"note", "n"}}, "bad_message"},
  };
  for (const auto& k : refused) {
    CAPTURE(k.sent.dump());
    CHECK(one_reply(c, k.sent)["code"] == k.code);
  }
  CHECK(scalar(f.server.db(), "SELECT wrapped_up_at IS NULL FROM phone_calls WHERE conversation_id = '" + id + "'") == "1");

  json done = one_reply(c, wrap_up(true, "referred_duty_and_advice", "Caller will ring Duty and Advice on 0113 376 0336 today."));
  CHECK(done["type"] == "wrapped_up");
  CHECK(done["code"] == "referred_duty_and_advice");
  CHECK(done["outcome"] == "duty_and_advice");
  CHECK(done["note"] == "Caller will ring Duty and Advice on [phone] today.");
  CHECK(query(f.server.db(), "SELECT wrap_up_code, wrap_up_outcome, outcome_confirmed, wrap_up_note FROM phone_calls WHERE conversation_id = '" + id + "'") ==
        std::vector<Row>{{"referred_duty_and_advice", "duty_and_advice", "1", "Caller will ring Duty and Advice on [phone] today."}});

  CHECK(one_reply(c, wrap_up(true, "other", "again"))["code"] == "already_wrapped_up");
  CHECK(one_reply(c, {{"type", "back"}})["code"] == "wrapped_up");  // the script is closed
  CHECK(one_reply(c, {{"type", "urgent"}})["code"] == "wrapped_up");
  auto ended = c.request({{"type", "end"}});
  CHECK(ended.back()["type"] == "ended");
  CHECK(ended.back()["status"] == "completed");
}

TEST_CASE("a call that ends early is wrapped up as caller rang off and a dropped call stays unwrapped") {
  CallLine f;
  std::string dropped, resumed_id;
  {
    WsClient c(f.server.port());
    auto r = c.request(phone_start(f.worker));
    dropped = r[0]["conversation"];
    const std::string token = r[0]["token"];
    c.request(answer("danger", "no"));
    c.close();
    // The page reconnects: the call comes back with who took it, still to be wrapped up.
    WsClient again(f.server.port());
    auto back = again.request({{"type", "resume"}, {"conversation", dropped}, {"token", token}});
    REQUIRE(back[0]["type"] == "resumed");
    CHECK(back[0]["staff"]["id"] == "p.line");
    CHECK(back[0]["wrapped_up"] == false);
    CHECK(back.back()["node"] == "harm");
    CHECK(one_reply(again, {{"type", "end"}})["code"] == "wrap_up_required");
  }  // and drops again, unwrapped
  WsClient c(f.server.port());
  resumed_id = c.request(phone_start(f.worker))[0]["conversation"];
  CHECK(one_reply(c, wrap_up(false, "caller_disconnected", "Line dropped at the harm question."))["type"] == "wrapped_up");
  CHECK(c.request({{"type", "end"}}).back()["status"] == "abandoned");
  CHECK(scalar(f.server.db(), "SELECT wrap_up_outcome IS NULL AND outcome_confirmed = 0 FROM phone_calls WHERE conversation_id = '" + resumed_id + "'") == "1");
  CHECK(scalar(f.server.db(), "SELECT status || '|' || (ended_at IS NULL) FROM conversations WHERE id = '" + dropped + "'") == "active|1");
}

TEST_CASE("the hub review list and transcript show who took a call and its wrap-up") {
  CallLine f;
  WsClient c(f.server.port());
  const std::string id = c.request(phone_start(f.worker))[0]["conversation"];
  c.request(answer("danger", "yes"));
  one_reply(c, {{"type", "note"}, {"text", "Police called by the caller"}});
  one_reply(c, wrap_up(true, "referred_999", "Caller rang 999 while on the line."));
  c.request({{"type", "end"}});
  WsClient open(f.server.port());
  const std::string unwrapped = open.request(phone_start(f.worker))[0]["conversation"];
  WsClient web(f.server.port());
  web.request({{"type", "start"}, {"dialog", "early-help"}});

  json list = staff_get(f.server.staff_port(), f.admin, "/v1/conversations?channel=phone");
  REQUIRE(list["items"].size() == 2);
  for (const auto& item : list["items"]) {
    CAPTURE(item.dump());
    CHECK(item["call"]["staff_id"] == "p.line");
    CHECK(item["call"]["staff_name"] == "p.line (test)");
    CHECK(item["call"]["wrapped_up"] == (item["id"] == id));
    CHECK_FALSE(item["call"]["wrap_up"].contains("note"));  // the note is in the transcript
  }
  json all = staff_get(f.server.staff_port(), f.admin, "/v1/conversations?channel=web");
  CHECK(all["items"][0]["call"].is_null());

  json t = staff_get(f.server.staff_port(), f.admin, "/v1/conversations/" + id);
  CHECK(t["channel"] == "phone");
  CHECK(t["outcome"] == "emergency_999");
  CHECK(t["call"]["staff_id"] == "p.line");
  CHECK(t["call"]["wrap_up"]["code"] == "referred_999");
  CHECK(t["call"]["wrap_up"]["outcome"] == "emergency_999");
  CHECK(t["call"]["wrap_up"]["outcome_confirmed"] == true);
  CHECK(t["call"]["wrap_up"]["note"] == "Caller rang 999 while on the line.");
  bool note_turn = false;
  for (const auto& turn : t["turns"]) note_turn = note_turn || (turn["direction"] == "in" && turn["message"]["type"] == "note");
  CHECK(note_turn);
  json u = staff_get(f.server.staff_port(), f.admin, "/v1/conversations/" + unwrapped);
  CHECK(u["call"]["wrapped_up"] == false);
  CHECK(u["call"]["wrap_up"].is_null());
}

TEST_CASE("the staff listener serves the call page and tells it the chat port") {
  CallLine f;
  std::string body;
  CHECK(http_get(f.server.staff_port(), "/call/config.json", &body) == 200);
  json config = json::parse(body);
  CHECK(config["chat_port"] == f.server.port());
  CHECK(config["path"] == "/v1/chat");
  for (const char* page : {"/call", "/call.html", "/call.js", "/call.css"}) {
    CAPTURE(page);
    CHECK(http_get(f.server.staff_port(), page) == 200);
  }
  // The page's origin (the staff port) may open the chat WebSocket on the chat port.
  CHECK(upgrade_status(f.server.port(), "http://127.0.0.1:" + std::to_string(f.server.staff_port())) == 101);
}

TEST_CASE("open calls come from the server - the taker resumes one with their staff token after a restart - no one else can - both reads are audited") {
  TempDir dir;
  std::string worker, other, open_call, other_call;
  {
    ServerProcess server(dir);
    worker = add_staff(server.db(), "p.line", "hub:south");
    other = add_staff(server.db(), "o.ther", "hub:east");
    REQUIRE(server.start());
    WsClient c(server.port());
    open_call = c.request(phone_start(worker))[0]["conversation"];
    c.request(answer("danger", "no"));
    WsClient done(server.port());  // wrapped up and ended: not offered
    done.request(phone_start(worker));
    one_reply(done, wrap_up(false, "other", "Wrong number."));
    done.request({{"type", "end"}});
    WsClient theirs(server.port());
    other_call = theirs.request(phone_start(other))[0]["conversation"];
    CHECK(server.stop(SIGTERM) == 0);  // a crash or a restart: the calls stay open
  }
  ServerProcess server(dir);
  REQUIRE(server.start());

  json mine = staff_get(server.staff_port(), worker, "/v1/me/calls");
  REQUIRE(mine["calls"].size() == 1);
  const json& call = mine["calls"][0];
  CHECK(call["conversation"] == open_call);
  CHECK(call["reference"].get<std::string>().rfind("EH-", 0) == 0);
  CHECK(call["question"].get<std::string>().find("seriously harmed or neglected") != std::string::npos);
  CHECK(call["resumable"] == true);
  CHECK(call["started_at"].is_string());
  json theirs = staff_get(server.staff_port(), other, "/v1/me/calls");
  REQUIRE(theirs["calls"].size() == 1);
  CHECK(theirs["calls"][0]["conversation"] == other_call);

  WsClient c(server.port());
  const json resume_as_other{{"type", "resume"}, {"conversation", open_call}, {"staff_token", other}};
  CHECK(one_reply(c, resume_as_other)["code"] == "bad_token");  // the same answer as an unknown call
  CHECK(one_reply(c, {{"type", "resume"}, {"conversation", open_call}, {"staff_token", "rcs_nobody"}})["code"] == "bad_token");
  CHECK(one_reply(c, {{"type", "resume"}, {"conversation", open_call}, {"token", "t"}, {"staff_token", worker}})["code"] == "bad_message");
  WsClient web(server.port());  // a web conversation is nobody's call
  const std::string web_id = web.request({{"type", "start"}, {"dialog", "early-help"}})[0]["conversation"];
  CHECK(one_reply(c, {{"type", "resume"}, {"conversation", web_id}, {"staff_token", worker}})["code"] == "bad_token");

  auto back = c.request({{"type", "resume"}, {"conversation", open_call}, {"staff_token", worker}});
  REQUIRE(back[0]["type"] == "resumed");
  CHECK(back[0]["staff"]["id"] == "p.line");
  CHECK(back.back()["node"] == "harm");
  REQUIRE(back[0]["urgent_contacts"].size() == 2);  // from content/, so Urgent shows them at once
  CHECK(back[0]["urgent_contacts"][0]["phone"] == "999");
  CHECK(back[0]["urgent_contacts"][1]["id"] == "duty_and_advice");
  CHECK(c.request(answer("harm", "yes")).back()["outcome"] == "duty_and_advice");

  CHECK(query(server.db(), "SELECT actor, action, target FROM audit WHERE action IN ('my_calls', 'resume_call') ORDER BY id") ==
        std::vector<Row>{{"p.line", "my_calls", json{{"conversations", {open_call}}}.dump()},
                         {"o.ther", "my_calls", json{{"conversations", {other_call}}}.dump()},
                         {"p.line", "resume_call", json{{"conversation", open_call}}.dump()}});
}

TEST_CASE("the wrap-up keeps the optional caller fields - role from the fixed list and whether a call-back was promised") {
  CallLine f;
  WsClient c(f.server.port());
  auto started = c.request(phone_start(f.worker));
  const std::string id = started[0]["conversation"];
  REQUIRE(started[0]["caller_roles"].size() == 9);
  CHECK(started[0]["caller_roles"][3] == json{{"id", "gp"}, {"label", "GP"}});
  for (const auto& code : started[0]["wrap_up_codes"])
    if (code["code"] == "referred_duty_and_advice") CHECK(code["suggested_for"] == json{"duty_and_advice", "danger_unsure"});
  c.request(answer("danger", "no"));
  c.request(answer("harm", "yes"));
  json bad = wrap_up(true, "referred_duty_and_advice", "n");
  bad["caller_role"] = "plumber";
  CHECK(one_reply(c, bad)["code"] == "bad_message");
  bad["caller_role"] = "school";
  bad["callback_promised"] = "yes";
  CHECK(one_reply(c, bad)["code"] == "bad_message");

  json w = wrap_up(true, "referred_duty_and_advice", "School DSL will ring Duty and Advice.");
  w["caller_role"] = "school";
  w["callback_promised"] = true;
  json done = one_reply(c, w);
  CHECK(done["caller_role"] == "school");
  CHECK(done["callback_promised"] == true);
  CHECK(query(f.server.db(), "SELECT caller_role, callback_promised FROM phone_calls WHERE conversation_id = '" + id + "'") ==
        std::vector<Row>{{"school", "1"}});
  json t = staff_get(f.server.staff_port(), f.admin, "/v1/conversations/" + id);
  CHECK(t["call"]["wrap_up"]["caller_role"] == "school");
  CHECK(t["call"]["wrap_up"]["callback_promised"] == true);

  WsClient quiet(f.server.port());  // left out: not said
  const std::string other = quiet.request(phone_start(f.worker))[0]["conversation"];
  one_reply(quiet, wrap_up(false, "other", "Not about a child."));
  json u = staff_get(f.server.staff_port(), f.admin, "/v1/conversations/" + other);
  CHECK(u["call"]["wrap_up"]["caller_role"].is_null());
  CHECK(u["call"]["wrap_up"]["callback_promised"].is_null());
}
