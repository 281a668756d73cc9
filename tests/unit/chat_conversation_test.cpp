// The chat conversation without a socket: messages in, Turns out, carried out against a small
// in-memory log that keeps revisions the way the SQLite log does (a write naming a revision
// another connection has moved past is refused with WriteError::conflict).
#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "builtin_connectors.hpp"
#include "core/outcome_summary.hpp"
#include "core/redaction.hpp"
#include "core/sha256.hpp"
#include "handoff/handoff_service.hpp"
#include "server/chat_conversation.hpp"
#include "shipped.hpp"
#include "store/group_commit_writer.hpp"

using namespace rc;
using json = nlohmann::json;

namespace {

// The frames shared by every conversation here, as the server shares them.
protocol::FrameMemo& shared_frames() {
  static protocol::FrameMemo memo;
  return memo;
}

// What the log keeps of each conversation: enough to resume it.
class FakeLog {
 public:
  store::WriteResult write(const store::Record& r) {
    if (r.start && refuse_next_start) {  // as the unique index refuses a reference another conversation has
      refuse_next_start = false;
      refused_reference = r.start->reference;
      return {store::WriteError::reference_taken, "", "the conversation reference is taken"};
    }
    for (const auto& u : r.updates)
      if (u.expected_revision && rows_.at(u.id).revision != *u.expected_revision)
        return {store::WriteError::conflict, "conflict", "conversation moved on elsewhere"};
    if (r.start)
      rows_[r.start->id] = store::StoredConversation{.id = r.start->id, .dialog_id = r.start->dialog_id, .dialog_version = r.start->dialog_version,
                                                     .channel = r.start->channel, .token_hash = r.start->token_hash,
                                                     .state = r.start->state, .started_at = r.start->started_at};
    if (r.start) rows_[r.start->id].reference = r.start->reference;
    for (const auto& u : r.updates) {
      auto& row = rows_.at(u.id);
      row.state = u.state;
      row.status = u.status;
      row.ended_at = u.ended_at;
      ++row.revision;
    }
    if (r.open_handoff) {
      const auto& h = *r.open_handoff;
      rows_.at(h.conversation_id).handoff =
          store::StoredHandoff{.reference = h.reference, .status = h.status, .route = h.route, .urgent = h.urgent, .requested_at = h.requested_at,
                               .deadline_at = h.deadline_at};
    }
    turns += r.turns.size();
    outbox += r.outbox.size();
    return {};
  }
  std::optional<store::StoredConversation> load(const std::string& id) const {
    auto it = rows_.find(id);
    return it == rows_.end() ? std::nullopt : std::optional(it->second);
  }
  std::int64_t revision(const std::string& id) const { return rows_.at(id).revision; }
  void set_state(const std::string& id, const std::string& state) { rows_.at(id).state = state; }
  // A turn that carried live messages, as the log keeps them for resume.
  void log_messages(const std::string& id, Millis at, const std::string& frames) { rows_.at(id).handoff->messages.push_back({at, frames}); }

  std::size_t turns = 0, outbox = 0;
  bool refuse_next_start = false;
  std::string refused_reference;

 private:
  std::map<std::string, store::StoredConversation> rows_;
};

// Carries a Turn out as the chat session does: I/O first, then the write, then the commit.
Turn carry(ChatConversation& c, Turn t, FakeLog& log, Millis now) {
  for (;;) {
    if (t.load) {
      t = c.on_loaded(t, log.load(t.load->conversation_id), true, now);
      continue;
    }
    if (t.record) {
      auto written = log.write(*t.record);
      t.record.reset();
      if (!written.ok()) {
        t = c.on_write_failed(t, written);
        continue;
      }
    }
    c.committed(t);
    if (t.after) t.after();
    return t;
  }
}

protocol::Message parse(const json& j) {
  auto parsed = protocol::parse_client_message(j.dump());
  REQUIRE(std::holds_alternative<protocol::Message>(parsed));
  return std::get<protocol::Message>(parsed);
}

std::vector<json> frames(const Turn& t) {
  std::vector<json> out;
  for (const auto& f : t.frames) out.push_back(json::parse(f));
  return out;
}

const json* of_type(const std::vector<json>& frames, const std::string& type) {
  for (const auto& f : frames)
    if (f.value("type", "") == type) return &f;
  return nullptr;
}

// The real handoff service with the default routes and the console connector; its writer is
// never started: planning a request and telling consoles need no database.
struct Handoffs {
  std::filesystem::path db = std::filesystem::temp_directory_path() / "rc_chat_conversation_test.db";
  HandoffConfig config;
  store::GroupCommitWriter writer{{db.string(), false, 1000, 16}};
  HandoffHub hub;
  handoff::ConnectorSet connectors;
  Metrics metrics;
  HandoffService service{config, test::shipped_source(), writer, hub, connectors, [] { return Millis{0}; }, metrics, 24LL * 3600 * 1000};

  Handoffs() {
    handoff::ConnectorRegistry registry;
    handoff::register_builtin_connectors(registry);
    handoff::ConnectorContext ctx{"console", "console", json{{"type", "console"}}, "test", &service, &hub, [] { return Millis{0}; }};
    auto connector = registry.make(ctx);
    REQUIRE(connector);
    connectors["console"] = handoff::ConnectorSlot{std::move(connector.value()), {}, "console"};
  }
};

}  // namespace

TEST_CASE("a conversation runs start -> answer -> handoff -> stale write with no socket") {
  Handoffs h;
  FakeLog log;
  ChatConversation tab(test::shipped_source(), shared_frames(), &h.service, h.metrics);
  Millis now = 1'000'000;
  auto say = [&](ChatConversation& c, const json& j) {
    ++now;
    return carry(c, c.on_message(parse(j), now), log, now);
  };

  // Start: the record holds the new conversation and the first question; the token is sent, never logged.
  Turn started = tab.on_message(parse({{"type", "start"}, {"dialog", "early-help"}, {"ref", "s1"}}), now);
  REQUIRE(started.record);
  REQUIRE(started.record->start);
  CHECK(started.record->turns.size() == 2);
  CHECK_FALSE(tab.active());  // nothing moves before the write
  started = carry(tab, std::move(started), log, now);
  REQUIRE(tab.active());
  auto out = frames(started);
  REQUIRE(of_type(out, "started"));
  const std::string id = (*of_type(out, "started"))["conversation"];
  const std::string token = (*of_type(out, "started"))["token"];
  CHECK(id == tab.id());
  CHECK(out.back()["type"] == "prompt");
  CHECK(log.load(id)->token_hash == sha256_hex(token));
  const std::string first = out.back()["node"];

  // Answer: the state moves on, the revision with it.
  Turn answered = say(tab, {{"type", "answer"}, {"node", first}, {"option", "no"}, {"ref", "a1"}});
  out = frames(answered);
  REQUIRE_FALSE(out.empty());
  CHECK(out.back()["type"] == "prompt");
  CHECK(out.back()["node"] != first);
  CHECK(log.revision(id) == 1);
  const std::string second = out.back()["node"];

  // Ask for a person: one open handoff, an outbox row for the console connector, a deadline to wait for.
  Turn asked = tab.on_message(parse({{"type", "handoff"}, {"reason", "Not sure what to do next"}, {"ref", "h1"}}), ++now);
  REQUIRE(asked.record);
  REQUIRE(asked.record->open_handoff);
  CHECK(asked.record->outbox.size() == 1);
  asked = carry(tab, std::move(asked), log, now);
  out = frames(asked);
  REQUIRE(of_type(out, "handoff"));
  CHECK((*of_type(out, "handoff"))["status"] == "requested");
  CHECK((*of_type(out, "handoff"))["wait_seconds"] == h.config.accept_timeout_seconds);
  CHECK(asked.follow);
  REQUIRE(tab.handoff());
  CHECK(tab.handoff()->status == store::HandoffState::requested);
  CHECK(tab.deadline() == now + h.config.accept_timeout_seconds * 1000);
  CHECK(h.metrics.handoffs_requested == 1);
  // Asking again gives the same handoff, never a second ticket.
  Turn again = say(tab, {{"type", "handoff"}, {"ref", "h2"}});
  CHECK((*of_type(frames(again), "handoff"))["reference"] == tab.handoff()->reference);

  // Another tab resumes the same conversation and answers first.
  ChatConversation other(test::shipped_source(), shared_frames(), &h.service, h.metrics);
  Turn resumed = say(other, {{"type", "resume"}, {"conversation", id}, {"token", token}});
  REQUIRE(of_type(frames(resumed), "resumed"));
  CHECK(of_type(frames(resumed), "handoff"));  // it sees the open request too
  say(other, {{"type", "answer"}, {"node", second}, {"option", "no"}});
  const auto moved_to = json::parse(log.load(id)->state)["current"];

  // This tab's answer is now stale: refused, reloaded, and shown where the conversation is.
  const auto revision = log.revision(id);
  Turn stale = say(tab, {{"type", "answer"}, {"node", second}, {"option", "yes"}, {"ref", "a2"}});
  out = frames(stale);
  CHECK(log.revision(id) == revision);  // nothing of the stale answer was written
  REQUIRE(out.size() >= 3);
  CHECK(out[0]["type"] == "error");
  CHECK(out[0]["code"] == "conversation_moved");
  CHECK(out[0]["ref"] == "a2");
  CHECK(out[1]["type"] == "resumed");
  CHECK(out.back()["type"] == "handoff");
  CHECK(stale.prompted);  // the session reads on
  // And it carries on from there.
  const auto current = std::find_if(out.begin(), out.end(), [](const json& f) { return f.value("type", "") == "prompt"; });
  REQUIRE(current != out.end());
  CHECK((*current)["node"] == moved_to);
}

TEST_CASE("a conversation in an accepted handoff refuses script answers until the person ends it") {
  Handoffs h;
  FakeLog log;
  ChatConversation tab(test::shipped_source(), shared_frames(), &h.service, h.metrics);
  Millis now = 5'000;
  auto say = [&](ChatConversation& c, const json& j) {
    ++now;
    return carry(c, c.on_message(parse(j), now), log, now);
  };
  Turn started = carry(tab, tab.on_message(parse({{"type", "start"}, {"dialog", "early-help"}}), now), log, now);
  const std::string node = frames(started).back()["node"];
  say(tab, {{"type", "handoff"}});
  REQUIRE(tab.handoff());
  const std::string reference = tab.handoff()->reference;

  // A notice for some other handoff is ignored; this one's acceptance stops the deadline.
  Turn elsewhere = carry(tab, tab.on_handoff_notice({HandoffNotice::Kind::accepted, "HX-OTHER", "Sam", {}}), log, now);
  CHECK(elsewhere.frames.empty());
  CHECK(tab.handoff()->status == store::HandoffState::requested);
  Turn accepted = carry(tab, tab.on_handoff_notice({HandoffNotice::Kind::accepted, reference, "Sam", {R"({"type":"handoff","status":"accepted"})"}}), log, now);
  CHECK(accepted.stop_deadline);
  CHECK_FALSE(accepted.prompted);
  CHECK(tab.handoff()->status == store::HandoffState::accepted);
  CHECK_FALSE(tab.deadline());

  Turn refused = say(tab, {{"type", "answer"}, {"node", node}, {"option", "no"}});
  REQUIRE(refused.frames.size() == 1);
  CHECK(frames(refused)[0]["code"] == "in_handoff");
  CHECK(frames(refused)[0]["message"].get<std::string>().find("Sam") != std::string::npos);

  // The person ends it: back to the script where it was.
  Turn ended = carry(tab, tab.on_handoff_notice({HandoffNotice::Kind::ended, reference, "Sam", {}}), log, now);
  CHECK_FALSE(tab.handoff());
  REQUIRE(ended.leave);
  CHECK(ended.leave->reference == reference);
  CHECK(frames(ended).back()["node"] == node);
  Turn answered = say(tab, {{"type", "answer"}, {"node", node}, {"option", "no"}});
  CHECK(frames(answered).back()["type"] == "prompt");
}

TEST_CASE("a write that fails for want of the database changes nothing and says server_busy") {
  Metrics metrics;
  FakeLog log;
  ChatConversation tab(test::shipped_source(), shared_frames(), nullptr, metrics);
  Turn started = carry(tab, tab.on_message(parse({{"type", "start"}, {"dialog", "early-help"}}), 1), log, 1);
  const std::string node = frames(started).back()["node"];
  Turn answer = tab.on_message(parse({{"type", "answer"}, {"node", node}, {"option", "no"}, {"ref", "x"}}), 2);
  Turn failed = tab.on_write_failed(answer, {store::WriteError::failed, "", "disk I/O error"});
  CHECK(frames(failed)[0]["code"] == "server_busy");
  CHECK(frames(failed)[0]["ref"] == "x");
  CHECK(metrics.write_failures == 1);
  carry(tab, std::move(failed), log, 2);
  // The same answer again is taken from the same place: the failed one never moved it.
  Turn retried = carry(tab, tab.on_message(parse({{"type", "answer"}, {"node", node}, {"option", "no"}}), 3), log, 3);
  CHECK(frames(retried).back()["type"] == "prompt");
  CHECK(log.revision(tab.id()) == 1);
  // Without handoff on this server, asking for a person is refused plainly.
  Turn handoff = carry(tab, tab.on_message(parse({{"type", "handoff"}}), 4), log, 4);
  CHECK(frames(handoff)[0]["code"] == "handoff_unavailable");
}

TEST_CASE("a resume token expires at resume time, with the same answer as a wrong one") {
  Metrics metrics;
  FakeLog log;
  const Millis day = 24LL * 3600 * 1000;
  ChatConversation tab(test::shipped_source(), shared_frames(), nullptr, metrics, day);
  Turn started = carry(tab, tab.on_message(parse({{"type", "start"}, {"dialog", "early-help"}}), 1'000), log, 1'000);
  const std::string id = frames(started)[0]["conversation"], token = frames(started)[0]["token"];
  const json resume{{"type", "resume"}, {"conversation", id}, {"token", token}};

  ChatConversation in_time(test::shipped_source(), shared_frames(), nullptr, metrics, day);
  CHECK(frames(carry(in_time, in_time.on_message(parse(resume), 1'000 + day - 1), log, 1'000 + day - 1))[0]["type"] == "resumed");
  ChatConversation too_late(test::shipped_source(), shared_frames(), nullptr, metrics, day);
  auto late = frames(carry(too_late, too_late.on_message(parse(resume), 1'000 + day), log, 1'000 + day));
  CHECK(late[0]["code"] == "bad_token");
  ChatConversation wrong(test::shipped_source(), shared_frames(), nullptr, metrics, day);
  auto bad = frames(carry(wrong, wrong.on_message(parse({{"type", "resume"}, {"conversation", id}, {"token", "x"}}), 2'000), log, 2'000));
  CHECK(bad[0]["message"] == late[0]["message"]);
  CHECK_FALSE(too_late.active());
}

TEST_CASE("a conversation gets a readable reference at its start, shown on resume and in its summary, a clash starts it again") {
  Metrics metrics;
  FakeLog log;
  log.refuse_next_start = true;
  ChatConversation tab(test::shipped_source(), shared_frames(), nullptr, metrics);
  Turn first = tab.on_message(parse({{"type", "start"}, {"dialog", "early-help"}, {"ref", "s"}}), 1'000);
  REQUIRE(first.record);
  const std::string clashing = first.record->start->reference;
  const std::string first_id = first.record->start->id;
  Turn started = carry(tab, std::move(first), log, 1'000);
  // The refused write changed nothing; the start was made again and written once.
  CHECK(log.refused_reference == clashing);
  const auto out = frames(started);
  REQUIRE(of_type(out, "started"));
  const json& s = *of_type(out, "started");
  const std::string reference = s["reference"];
  CHECK(reference != clashing);
  CHECK(reference.size() == 12);
  CHECK(reference.rfind("EH-", 0) == 0);
  CHECK(s["conversation"] != first_id);
  CHECK(s["ref"] == "s");
  CHECK(std::count_if(out.begin(), out.end(), [](const json& f) { return f["type"] == "started"; }) == 1);
  CHECK(log.load(tab.id())->reference == reference);

  // Resumed, it carries the same reference; the outcome's summary names it.
  const json resume{{"type", "resume"}, {"conversation", tab.id()}, {"token", s["token"]}};
  ChatConversation other(test::shipped_source(), shared_frames(), nullptr, metrics);
  const auto resumed = frames(carry(other, other.on_message(parse(resume), 2'000), log, 2'000));
  CHECK((*of_type(resumed, "resumed"))["reference"] == reference);
  Turn outcome = carry(other, other.on_message(parse({{"type", "answer"}, {"node", "danger"}, {"option", "yes"}}), 3'000), log, 3'000);
  const auto shown = frames(outcome);
  const json* o = of_type(shown, "outcome");
  REQUIRE(o);
  CHECK((*o)["summary_fields"]["reference"] == reference);
  CHECK((*o)["summary"].get<std::string>().find("\nReference: " + reference + "\n") != std::string::npos);
}

TEST_CASE("resumed brings back the answered path: labels, typed words as kept, the time of each answer, alerts without their words") {
  Metrics metrics;
  FakeLog log;
  ChatConversation tab(test::shipped_source(), shared_frames(), nullptr, metrics);
  Millis now = 1'764'671'520'000;  // 2025-12-02T10:32:00Z
  auto say = [&](ChatConversation& c, const json& j) {
    now += 5'000;
    return carry(c, c.on_message(parse(j), now), log, now);
  };
  const json started = frames(carry(tab, tab.on_message(parse({{"type", "start"}, {"dialog", "early-help"}}), now), log, now))[0];
  say(tab, {{"type", "answer"}, {"node", "danger"}, {"option", "no"}});
  say(tab, {{"type", "answer"}, {"node", "harm"}, {"text", "I'm not sure, ring me on 07700 900123"}});
  say(tab, {{"type", "answer"}, {"node", "lead_check"}, {"option", "agreed_early_help"}});
  say(tab, {{"type", "urgent"}});  // the place it left is no answer
  const json resume{{"type", "resume"}, {"conversation", started["conversation"]}, {"token", started["token"]}};

  ChatConversation other(test::shipped_source(), shared_frames(), nullptr, metrics);
  const auto out = frames(say(other, resume));
  const json& h = (*of_type(out, "resumed"))["history"];
  REQUIRE(h.size() == 3);
  CHECK(h[0] == json{{"node", "danger"}, {"question", "Is a child in immediate danger right now?"}, {"answer", "No"}, {"typed", false},
                     {"at", "2025-12-02T10:32:05Z"}});
  CHECK(h[1]["node"] == "harm");
  CHECK(h[1]["answer"] == "I'm not sure");
  CHECK(h[1]["typed"] == false);
  CHECK(h[1]["typed_text"] == "I'm not sure, ring me on [phone]");
  CHECK(h[1]["at"] == "2025-12-02T10:32:10Z");
  CHECK(h[2]["node"] == "lead_check");
  CHECK(h[2]["answer"] == "Yes: we agreed it is neither significant harm nor a child in need, and the family needs help");
  CHECK_FALSE(h[2].contains("typed_text"));
  for (const auto& f : out) CHECK(f.dump().find("900123") == std::string::npos);

  // An alert at an answer is marked, and its words are withheld: at a question taken as an option...
  ChatConversation alarmed(test::shipped_source(), shared_frames(), nullptr, metrics);
  const json second = frames(carry(alarmed, alarmed.on_message(parse({{"type", "start"}, {"dialog", "early-help"}}), now), log, now))[0];
  say(alarmed, {{"type", "answer"}, {"node", "danger"}, {"option", "no"}});
  say(alarmed, {{"type", "answer"}, {"node", "harm"}, {"text", "yes, there was a bruise on her arm, I think so"}});
  ChatConversation back(test::shipped_source(), shared_frames(), nullptr, metrics);
  const auto again = frames(say(back, {{"type", "resume"}, {"conversation", second["conversation"]}, {"token", second["token"]}}));
  const json& ah = (*of_type(again, "resumed"))["history"];
  REQUIRE(ah.size() == 2);
  CHECK(ah[1]["answer"] == "Yes, I think so");
  CHECK(ah[1]["alert"] == true);
  CHECK(ah[1]["withheld"] == true);
  CHECK_FALSE(ah[1].contains("typed_text"));
  for (const auto& f : again) CHECK(f.dump().find("bruise") == std::string::npos);

  // A conversation stored before answers had times comes back without them.
  log.set_state(second["conversation"],
                R"({"dialog":"early-help","version":")" + test::early_help().content_hash +
                    R"(","current":"consent_talked","finished":false,"started":1,"updated":2,"history":[{"node":"danger","option":"no"},{"node":"harm","option":"no"}]})");
  ChatConversation old(test::shipped_source(), shared_frames(), nullptr, metrics);
  const auto older = frames(say(old, {{"type", "resume"}, {"conversation", second["conversation"]}, {"token", second["token"]}}));
  const json& oh = (*of_type(older, "resumed"))["history"];
  REQUIRE(oh.size() == 2);
  CHECK_FALSE(oh[0].contains("at"));
  CHECK(oh[1]["answer"] == "No");
}

TEST_CASE("handoff frames and messages carry the time they were logged, also on resume and for messages logged before frames had times") {
  Handoffs h;
  FakeLog log;
  ChatConversation tab(test::shipped_source(), shared_frames(), &h.service, h.metrics);
  Millis now = 1'764'671'520'000;  // 2025-12-02T10:32:00Z
  auto say = [&](ChatConversation& c, const json& j) {
    now += 1'000;
    return carry(c, c.on_message(parse(j), now), log, now);
  };
  const json started = frames(say(tab, {{"type", "start"}, {"dialog", "early-help"}}))[0];
  const auto asked = frames(say(tab, {{"type", "handoff"}}));  // at 10:32:02
  CHECK((*of_type(asked, "handoff"))["at"] == "2025-12-02T10:32:02Z");
  const auto again = frames(say(tab, {{"type", "handoff"}}));  // asked again: the same request, since then
  CHECK((*of_type(again, "handoff"))["at"] == "2025-12-02T10:32:02Z");
  const std::string reference = tab.handoff()->reference;
  carry(tab, tab.on_handoff_notice({HandoffNotice::Kind::accepted, reference, "Sam", {}, 1'764'671'530'000}), log, now);
  const auto echoed = frames(say(tab, {{"type", "message"}, {"text", "Thanks"}}));  // at 10:32:04
  CHECK(echoed[0] == json{{"type", "message"}, {"from", "practitioner"}, {"text", "Thanks"}, {"at", "2025-12-02T10:32:04Z"}});
  const auto status = frames(say(tab, {{"type", "handoff"}}));
  CHECK((*of_type(status, "handoff"))["at"] == "2025-12-02T10:32:10Z");  // accepted then

  // On resume, the messages so far: a frame logged before frames had times takes its turn's.
  log.log_messages(started["conversation"], 1'764'671'525'000, R"([{"type":"message","from":"staff","name":"Sam","text":"Hello"}])");
  log.log_messages(started["conversation"], 1'764'671'526'000, echoed.size() == 1 ? "[" + echoed[0].dump() + "]" : "[]");
  ChatConversation other(test::shipped_source(), shared_frames(), &h.service, h.metrics);
  const auto resumed = frames(say(other, {{"type", "resume"}, {"conversation", started["conversation"]}, {"token", started["token"]}}));
  const json* handoff = of_type(resumed, "handoff");
  REQUIRE(handoff);
  CHECK((*handoff)["at"] == "2025-12-02T10:32:02Z");  // the fake log keeps the request, not who accepted it
  REQUIRE((*handoff)["messages"].size() == 2);
  CHECK((*handoff)["messages"][0]["at"] == "2025-12-02T10:32:05Z");
  CHECK((*handoff)["messages"][1]["at"] == "2025-12-02T10:32:04Z");  // its own, as logged
  const auto cancelled = frames(say(other, {{"type", "handoff"}, {"cancel", true}}));
  CHECK((*of_type(cancelled, "handoff"))["at"] == protocol::handoff_json("cancelled", reference, now)["at"]);
}

TEST_CASE("each turn's frames are byte for byte what rendering its events gives, for conversations sharing the frame memo") {
  // Three conversations on one memo, each followed by the engine alone with the same inputs and
  // times; their notes differ and one raises a safety alert, so their outcomes must differ.
  const auto& d = test::early_help();
  const auto& content = test::shipped().content;
  Metrics metrics;
  FakeLog log;
  for (const std::string note : {"needs help with school attendance", "support for the family at home", "he hit her and she has bruises"}) {
    CAPTURE(note);
    ChatConversation tab(test::shipped_source(), shared_frames(), nullptr, metrics);
    Millis now = 1'700'000'000'000;
    Turn started = carry(tab, tab.on_message(parse({{"type", "start"}, {"dialog", "early-help"}, {"ref", "s"}}), now), log, now);
    const std::string reference = frames(started)[0]["reference"];
    Step engine = advance(d, content, State{}, StartInput{}, now);
    auto expected = [&](const Step& step, const std::string& ref) {
      std::vector<std::string> out;
      for (const auto& e : step.events) {
        json j = protocol::to_json(e, false);
        if (std::holds_alternative<OutcomeEvent>(e)) protocol::add_summary(j, summarise(d, content, step.state, reference, step.state.updated));
        out.push_back(protocol::serialise(std::move(j), ref));
      }
      return out;
    };
    CHECK(std::vector<std::string>(started.frames.begin() + 1, started.frames.end()) == expected(engine, "s"));
    const std::map<std::string, std::string> choose{{"danger", "no"}, {"harm", "no"}, {"consent_talked", "yes"}, {"consent_answer", "agree"},
                                                    {"step_down", "no"}, {"needs", "multi"}, {"area", "east"}};
    int turn = 0;
    while (!engine.state.finished && turn < 20) {
      const std::string node = engine.state.current, ref = "r" + std::to_string(++turn);
      const Node* n = d.find(node);
      REQUIRE(n);
      json message{{"type", "answer"}, {"node", node}, {"ref", ref}};
      Input input;
      if (n->kind == NodeKind::text) {
        message["text"] = note;
        input = TypeInput{node, note, redact(note)};
      } else {
        const std::string option = choose.count(node) ? choose.at(node) : n->options.front().id;
        message["option"] = option;
        input = ChooseInput{node, option};
      }
      ++now;
      Turn t = carry(tab, tab.on_message(parse(message), now), log, now);
      engine = advance(d, content, std::move(engine.state), input, now);
      CAPTURE(node);
      CHECK(t.frames == expected(engine, ref));
    }
    REQUIRE(engine.state.finished);
    CHECK(engine.state.alert_fired() == (note.find("hit") != std::string::npos));
  }
}
