// Signed callbacks from the peer: what is refused (and with which status), what reaches
// HandoffControl, and how its answer becomes the HTTP reply.
#include <doctest/doctest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "independent_signer.hpp"
#include "webhook/webhook_callback.hpp"
#include "webhook/webhook_connector.hpp"

using namespace rc::handoff;
namespace wt = rc::handoff::webhook_test;

namespace {

constexpr Millis kNow = 1'700'000'000'500;
constexpr std::int64_t kNowSeconds = 1'700'000'000;

// The server's side, recorded. It answers with `outcome`, on another thread when asked to.
class FakeControl : public HandoffControl {
 public:
  struct Call {
    std::string method, reference, text, callback_id;
    PeerActor by;
  };
  enum class Answer { at_once, from_another_thread, never, drops_done };
  ControlOutcome outcome;
  Answer answer = Answer::at_once;

  ~FakeControl() override {
    for (auto& t : threads_) t.join();
  }
  void accept(const std::string& reference, const PeerActor& by, const std::string& callback_id, ControlDone done) override {
    record({"accept", reference, "", callback_id, by}, std::move(done));
  }
  void reject(const std::string& reference, const PeerActor& by, const std::string& reason, const std::string& callback_id, ControlDone done) override {
    record({"reject", reference, reason, callback_id, by}, std::move(done));
  }
  void staff_message(const std::string& reference, const PeerActor& by, const std::string& text, const std::string& callback_id,
                     ControlDone done) override {
    record({"staff_message", reference, text, callback_id, by}, std::move(done));
  }
  void end(const std::string& reference, const PeerActor& by, const std::string& note, const std::string& callback_id, ControlDone done) override {
    record({"end", reference, note, callback_id, by}, std::move(done));
  }
  std::vector<Call> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  void record(Call call, ControlDone done) {
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(std::move(call));
    }
    switch (answer) {
      case Answer::at_once: return done(outcome);
      case Answer::never: held_.push_back(std::move(done)); return;  // kept alive, never called
      case Answer::drops_done: return;                              // destroyed without being called
      case Answer::from_another_thread: break;
    }
    threads_.emplace_back([done = std::move(done), o = outcome] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      done(o);
    });
  }
  std::mutex mutex_;
  std::vector<Call> calls_;
  std::vector<std::thread> threads_;
  std::vector<ControlDone> held_;
};

std::unique_ptr<Connector> make_connector(nlohmann::json extra = nlohmann::json::object()) {
  ConnectorContext ctx;
  ctx.name = "crm";
  ctx.type = "webhook";
  ctx.settings = {{"type", "webhook"}, {"url", "https://crm.example.org/hooks"}, {"secret", wt::kSecret}};
  ctx.settings.update(extra);
  ctx.now = [] { return kNow; };
  auto made = make_webhook_connector(ctx);
  REQUIRE(made);
  return std::move(made.value());
}

CallbackRequest signed_request(const std::string& body, std::int64_t timestamp = kNowSeconds, const std::string& secret = wt::kSecret,
                               const std::string& id = "msg_2Lh9sK3Q") {
  const std::string ts = std::to_string(timestamp);
  return {{{"webhook-id", id}, {"webhook-timestamp", ts}, {"webhook-signature", wt::signature_for(secret, id, ts, body)},
           {"content-type", "application/json"}},
          body,
          "127.0.0.1"};
}

std::string report(const std::string& type, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j{{"type", type}, {"reference", "HO-7KQ2-M9XD"}, {"by", {{"id", "crm:4711"}, {"name", "Sam (East hub)"}}}};
  j.update(extra);
  return j.dump();
}

nlohmann::json reply_json(const CallbackReply& r) { return nlohmann::json::parse(r.body); }

}  // namespace

TEST_CASE("good webhook callbacks reach HandoffControl with the webhook-id and the peer") {
  struct Case {
    std::string type;
    nlohmann::json extra;
    std::string method, text;
  };
  const std::vector<Case> cases{
      {"accepted", nlohmann::json::object(), "accept", ""},
      {"message", {{"text", "We will call the school today."}}, "staff_message", "We will call the school today."},
      {"ended", {{"note", "Passed to the locality team."}}, "end", "Passed to the locality team."},
      {"ended", nlohmann::json::object(), "end", ""},
      {"rejected", {{"reason", "Not our area."}}, "reject", "Not our area."},
  };
  for (const auto& c : cases) {
    CAPTURE(c.type);
    FakeControl control;
    const auto reply = make_connector()->callback(signed_request(report(c.type, c.extra)), control);
    CHECK(reply.status == 200);
    CHECK(reply_json(reply) == nlohmann::json{{"ok", true}});
    const auto calls = control.calls();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].method == c.method);
    CHECK(calls[0].reference == "HO-7KQ2-M9XD");
    CHECK(calls[0].text == c.text);
    CHECK(calls[0].callback_id == "msg_2Lh9sK3Q");
    CHECK(calls[0].by.connector == "crm");
    CHECK(calls[0].by.id == "crm:4711");
    CHECK(calls[0].by.display_name == "Sam (East hub)");
  }
}

TEST_CASE("a webhook callback waits for HandoffControl to answer from another thread") {
  FakeControl control;
  control.answer = FakeControl::Answer::from_another_thread;
  const auto reply = make_connector()->callback(signed_request(report("accepted")), control);
  CHECK(reply.status == 200);
  CHECK(control.calls().size() == 1);
}

TEST_CASE("a webhook callback signed with the wrong key or over another body is refused with 401") {
  FakeControl control;
  auto connector = make_connector();
  auto wrong_key = signed_request(report("accepted"), kNowSeconds, wt::kOtherSecret);
  CHECK(connector->callback(wrong_key, control).status == 401);
  auto tampered = signed_request(report("accepted"));
  tampered.body = report("rejected");
  const auto reply = connector->callback(tampered, control);
  CHECK(reply.status == 401);
  CHECK(reply_json(reply)["error"] == "bad_signature");
  CHECK(control.calls().empty());
}

TEST_CASE("webhook callbacks are checked with callback_secret when one is set") {
  FakeControl control;
  auto connector = make_connector({{"callback_secret", wt::kOtherSecret}});
  CHECK(connector->callback(signed_request(report("accepted")), control).status == 401);
  CHECK(connector->callback(signed_request(report("accepted"), kNowSeconds, wt::kOtherSecret), control).status == 200);
}

TEST_CASE("a webhook callback signature header with several entries is accepted when one matches") {
  FakeControl control;
  auto request = signed_request(report("accepted"));
  request.headers["webhook-signature"] = "v1,bm90IGl0IGF0IGFsbCwgbm90IGF0IGFsbCBhdCBhbGw= " + request.headers["webhook-signature"];
  CHECK(make_connector()->callback(request, control).status == 200);
}

TEST_CASE("a webhook callback missing a Standard Webhooks header is refused with 400") {
  for (const std::string name : {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
    CAPTURE(name);
    FakeControl control;
    auto request = signed_request(report("accepted"));
    request.headers.erase(name);
    const auto reply = make_connector()->callback(request, control);
    CHECK(reply.status == 400);
    CHECK(reply_json(reply)["error"] == "missing_header");
    CHECK(reply_json(reply)["message"].get<std::string>().find(name) != std::string::npos);
    CHECK(control.calls().empty());
  }
}

TEST_CASE("a webhook callback with a stale or future timestamp is refused with 400 even when signed") {
  for (const std::int64_t offset : {-360, 360}) {
    CAPTURE(offset);
    FakeControl control;
    const auto reply = make_connector()->callback(signed_request(report("accepted"), kNowSeconds + offset), control);
    CHECK(reply.status == 400);
    CHECK(reply_json(reply)["error"] == "stale_timestamp");
    CHECK(reply_json(reply)["message"].get<std::string>().rfind("stale timestamp", 0) == 0);
    CHECK(control.calls().empty());
  }
  for (const std::int64_t offset : {-300, -240, 240, 300}) {
    CAPTURE(offset);
    FakeControl control;
    CHECK(make_connector()->callback(signed_request(report("accepted"), kNowSeconds + offset), control).status == 200);
  }
}

TEST_CASE("a webhook callback with a malformed timestamp or webhook-id is refused with 400") {
  FakeControl control;
  auto connector = make_connector();
  auto request = signed_request(report("accepted"));
  request.headers["webhook-timestamp"] = "17e8";
  CHECK(connector->callback(request, control).status == 400);
  auto spaced = signed_request(report("accepted"), kNowSeconds, wt::kSecret, "msg 1");
  CHECK(connector->callback(spaced, control).status == 400);
  CHECK(control.calls().empty());
}

TEST_CASE("a webhook callback with a malformed body is refused with 400 and a precise message") {
  struct Case {
    std::string body, message_start;
  };
  const std::vector<Case> cases{
      {"{not json", "body: not valid JSON"},
      {"[1,2]", "body: expected a JSON object"},
      {R"({"reference":"HO-7KQ2-M9XD"})", "type: expected"},
      {report("opened"), "type: expected"},
      {report("accepted", {{"reference", nullptr}}), "reference: expected"},
      {report("accepted", {{"reference", ""}}), "reference: expected"},
      {report("accepted", {{"by", "Sam"}}), "by: expected"},
      {report("accepted", {{"by", {{"id", "crm:1"}}}}), "by.name: expected"},
      {report("accepted", {{"by", {{"id", 4711}, {"name", "Sam"}}}}), "by.id: expected a string"},
      {report("message"), "text: a message needs its text"},
      {report("message", {{"text", ""}}), "text: a message needs its text"},
      {report("message", {{"text", 12}}), "text: expected a string"},
      {report("ended", {{"note", {"x"}}}), "note: expected a string"},
      {report("rejected", {{"reason", false}}), "reason: expected a string"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    FakeControl control;
    const auto reply = make_connector()->callback(signed_request(c.body), control);
    CHECK(reply.status == 400);
    CHECK(reply_json(reply)["error"] == "bad_body");
    const std::string message = reply_json(reply)["message"];
    CHECK_MESSAGE(message.rfind(c.message_start, 0) == 0, message);
    CHECK(control.calls().empty());
  }
}

TEST_CASE("HandoffControl outcomes map to webhook callback replies") {
  struct Case {
    ControlOutcome outcome;
    int status;
    nlohmann::json body;
  };
  const std::vector<Case> cases{
      {{true, false, "", ""}, 200, {{"ok", true}}},
      {{true, true, "", ""}, 200, {{"ok", true}, {"duplicate", true}}},
      {{false, false, "unknown_reference", "no handoff HO-7KQ2-M9XD"}, 404, {{"error", "unknown_reference"}, {"message", "no handoff HO-7KQ2-M9XD"}}},
      {{false, false, "not_waiting", "already accepted"}, 409, {{"error", "not_waiting"}, {"message", "already accepted"}}},
      {{false, false, "not_active", "ended"}, 409, {{"error", "not_active"}, {"message", "ended"}}},
      {{false, false, "bad_request", "too long"}, 400, {{"error", "bad_request"}, {"message", "too long"}}},
      {{false, false, "server_busy", "try later"}, 503, {{"error", "server_busy"}, {"message", "try later"}}},
      {{false, false, "", ""}, 503, {{"error", "server_busy"}, {"message", ""}}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.outcome.code);
    FakeControl control;
    control.outcome = c.outcome;
    const auto reply = make_connector()->callback(signed_request(report("accepted")), control);
    CHECK(reply.status == c.status);
    CHECK(reply_json(reply) == c.body);
  }
}

TEST_CASE("no answer from HandoffControl in time means webhook callback 503") {
  rc::handoff::webhook::CallbackPolicy policy{"crm", wt::raw_key(wt::kSecret), [] { return kNow; }};
  policy.control_timeout = std::chrono::milliseconds(50);
  // An answer after the wait (20 ms against 5 ms) must be harmless too.
  for (const auto answer : {FakeControl::Answer::never, FakeControl::Answer::drops_done, FakeControl::Answer::from_another_thread}) {
    CAPTURE(static_cast<int>(answer));
    FakeControl control;
    control.answer = answer;
    if (answer == FakeControl::Answer::from_another_thread) policy.control_timeout = std::chrono::milliseconds(5);
    const auto reply = rc::handoff::webhook::answer_callback(signed_request(report("accepted")), control, policy);
    CHECK(reply.status == 503);
    CHECK(reply_json(reply)["error"] == "server_busy");
    CHECK(control.calls().size() == 1);
  }
}
