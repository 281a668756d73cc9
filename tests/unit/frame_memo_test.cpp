// The frame memo (src/protocol/frame_memo.hpp): a frame it gives is byte for byte the one
// rendering the event gives, for every shipped question, step and outcome, whatever the ref;
// it never gives one set's frame for another set; a retired set's frames go with it; and the
// form it logs a frame in is read back from the database as the frame sent.
#include <doctest/doctest.h>

#include <thread>

#include "core/outcome_summary.hpp"
#include "protocol/frame_memo.hpp"
#include "protocol/protocol.hpp"
#include "shipped.hpp"
#include "store/logged_frames.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_conversation_log.hpp"
#include "temp_db.hpp"

using namespace rc;
using json = nlohmann::json;

namespace {

// The shipped set under an owner of its own (the memo tells sets apart by owner).
std::shared_ptr<const GuidanceSet> shipped_owner() { return {&test::shipped(), [](const GuidanceSet*) {}}; }

struct Case {
  std::string dialog;
  Event event;
  protocol::FrameMemo::Fields fields;  // the conversation's own: the summary of an outcome
  Summary summary;                     // an outcome's
};

// Every node of every shipped dialog as the events a conversation can meet there: a question
// with and without a way back, an information step, an outcome with and without an alert.
std::vector<Case> shipped_cases() {
  std::vector<Case> out;
  const auto& content = test::shipped().content;
  for (const auto& d : test::shipped().dialogs) {
    for (const auto& n : d.nodes) {
      if (n.kind == NodeKind::info) {
        out.push_back({d.id, InfoEvent{n.id, n.text, n.say, n.source}, {}});
        continue;
      }
      State s;
      s.current = n.id;
      s.finished = n.is_outcome();
      s.updated = 1'700'000'000'000;
      for (bool alert : {false, true}) {
        if (alert) remember_alerts(s, n.id, safety_alerts(content, "he hit her and she has bruises"), s.updated);
        auto view = current_view(d, content, s);
        REQUIRE(!view.empty());
        if (auto* p = std::get_if<PromptEvent>(&view.front())) {
          for (bool back : {false, true}) {
            p->can_go_back = back;
            out.push_back({d.id, *p, {}});
          }
        } else if (std::holds_alternative<OutcomeEvent>(view.front())) {
          auto sum = summarise(d, content, s, "EH-7KQ2-M9XD", s.updated);
          out.push_back({d.id, view.front(), protocol::summary_member_texts(sum), sum});
        }
      }
    }
  }
  return out;
}

std::string rendered(const Case& c, bool with_say, const std::optional<std::string>& ref) {
  json j = protocol::to_json(c.event, with_say);
  for (const auto& [name, text] : c.fields) j[name] = json::parse(text);
  return protocol::serialise(std::move(j), ref);
}

protocol::FrameMemo::Fields with_ref(protocol::FrameMemo::Fields fields, const std::optional<std::string>& ref) {
  if (ref) fields.emplace_back("ref", protocol::json_string(*ref));
  return fields;
}

// The frame as sent, of what the memo gives.
std::optional<std::string> sent(const std::optional<protocol::FrameMemo::Filled>& filled) {
  return filled ? std::optional<std::string>(filled->frame) : std::nullopt;
}

// A migrated database for logged frames, keeping templates as the conversation log writes them.
struct FrameLog {
  TempDb file{"frame-log"};
  store::SqliteDb db{file.path, false, 1000};
  FrameLog() { store::migrate(db); }
  void keep(const store::Record& templates) {
    db.begin_write();
    store::SqliteConversationLog::apply(db, templates);
    db.commit();
  }
};

const std::vector<std::optional<std::string>> kRefs = {std::nullopt, "1", "a \"quoted\" \\ ref", "r\xc3\xa9" "f \xe2\x80\x94 \xf0\x9f\x91\x8d", "bad \xff\xfe utf-8",
                                                        "\x01rc-field-0\x01", ""};

}  // namespace

TEST_CASE("the frame memo gives every shipped question, step and outcome byte for byte as rendering it does, whatever the ref") {
  protocol::FrameMemo memo;
  const auto set = shipped_owner();
  const auto cases = shipped_cases();
  std::size_t outcomes = 0, prompts = 0;
  for (const auto& c : cases) {
    outcomes += std::holds_alternative<OutcomeEvent>(c.event);
    prompts += std::holds_alternative<PromptEvent>(c.event);
  }
  CHECK(outcomes > 10);
  CHECK(prompts > 20);
  for (int round = 0; round < 2; ++round)  // the first writes each template, the second reads it
    for (const auto& c : cases)
      for (bool with_say : {false, true})
        for (const auto& ref : kRefs) {
          const auto got = sent(memo.frame(set, c.dialog, c.event, with_say, with_ref(c.fields, ref)));
          REQUIRE(got);
          CHECK(*got == rendered(c, with_say, ref));
        }
  CHECK(memo.sets_held() == 1);
}

TEST_CASE("the frame memo never gives one set's frame for another, and a retired set's frames go once nothing holds it") {
  protocol::FrameMemo memo;
  auto first = std::make_shared<const GuidanceSet>();
  auto second = std::make_shared<const GuidanceSet>();
  const InfoEvent before{"think_family", "Think family.", "", "guidance.md"};
  const InfoEvent after{"think_family", "Think whole family.", "", "guidance.md"};
  auto text_of = [](const std::optional<protocol::FrameMemo::Filled>& f) { return f ? json::parse(f->frame).value("text", "") : ""; };
  CHECK(text_of(memo.frame(first, "early-help", before, false, {{"ref", "\"1\""}})) == "Think family.");
  CHECK(text_of(memo.frame(second, "early-help", after, false, {{"ref", "\"2\""}})) == "Think whole family.");
  CHECK(text_of(memo.frame(first, "early-help", after, false, {{"ref", "\"3\""}})) == "Think family.");  // the same key on the same set: its frame
  CHECK(text_of(memo.frame(second, "other-dialog", before, false, {{"ref", "\"4\""}})) == "Think family.");  // another dialog's node of the same name
  CHECK(memo.sets_held() == 2);
  first.reset();
  CHECK(memo.sets_held() == 1);
  // A new set, even at the freed one's address, starts with nothing held.
  auto third = std::make_shared<const GuidanceSet>();
  CHECK(text_of(memo.frame(third, "early-help", after, false, {{"ref", "\"5\""}})) == "Think whole family.");
  CHECK(memo.sets_held() == 2);
}

TEST_CASE("the frame memo leaves alone what differs per conversation, and text that holds its own marks") {
  protocol::FrameMemo memo;
  const auto set = shipped_owner();
  CHECK_FALSE(memo.frame(set, "early-help", AlertEvent{}, false, {{"ref", "\"1\""}}));
  CHECK_FALSE(memo.frame(set, "early-help", ErrorEvent{"bad", "Bad.", {}, {}}, false, {{"ref", "\"1\""}}));
  const InfoEvent odd{"odd", "\x01rc-field-0\x01", "", "guidance.md"};
  CHECK_FALSE(memo.frame(set, "early-help", odd, false, {{"ref", "\"1\""}}));
  CHECK(sent(memo.frame(set, "early-help", odd, false, {})) == protocol::serialise(protocol::to_json(Event{odd}, false), std::nullopt));
}

TEST_CASE("two threads asking the frame memo at once get the frames rendering gives") {
  protocol::FrameMemo memo;
  const auto set = shipped_owner();
  const auto cases = shipped_cases();
  std::atomic<int> wrong{0};
  auto ask = [&](int seed) {
    for (int round = 0; round < 5; ++round)
      for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[(i + static_cast<std::size_t>(seed) * 7) % cases.size()];
        const std::string ref = std::to_string(seed) + "-" + std::to_string(i);
        if (sent(memo.frame(set, c.dialog, c.event, seed % 2 == 0, with_ref(c.fields, ref))) != rendered(c, seed % 2 == 0, ref)) ++wrong;
      }
  };
  std::thread a(ask, 1), b(ask, 2);
  a.join();
  b.join();
  CHECK(wrong == 0);
}

TEST_CASE("a memoised frame is logged by its template and its own fields, and read back from the database byte for byte as sent") {
  FrameLog log;
  protocol::FrameMemo memo;
  const auto set = shipped_owner();
  std::string sent_all = "[", logged_all = "[";
  store::Record templates;  // what the conversation log writes for them
  std::size_t outcome_sent = 0, outcome_logged = 0;
  for (const auto& c : shipped_cases())
    for (bool with_say : {false, true})
      for (const auto& ref : {std::optional<std::string>{}, std::optional<std::string>{"a \"quoted\" ref"}}) {
        auto summary = memo.summary_fields(c.summary);  // as the server asks: the summary as sent and as logged
        CHECK(summary.sent == c.fields);
        const auto logged_fields = with_ref(summary.logged, ref);
        const auto filled = memo.frame(set, c.dialog, c.event, with_say, with_ref(c.fields, ref), &logged_fields);
        REQUIRE(filled);
        if (summary.shared) {
          templates.templates.push_back(summary.shared);
          CHECK(summary.shared->body.find("EH-7KQ2-M9XD") == std::string::npos);  // the conversation's reference is its own
          CHECK(summary.shared->body.find(c.summary.date) == std::string::npos);
        }
        const json logged = json::parse(filled->logged);
        CHECK(logged["$template"] == filled->logged_template->id);
        CHECK(logged["type"] == json::parse(filled->frame)["type"]);  // the review's statistics find outcomes by it
        CHECK(filled->logged.find(filled->logged_template->body.substr(1, 40)) == std::string::npos);  // the shared text is not in the row
        sent_all += (sent_all.size() > 1 ? "," : "") + filled->frame;
        logged_all += (logged_all.size() > 1 ? "," : "") + filled->logged;
        templates.templates.push_back(filled->logged_template);
        if (std::holds_alternative<OutcomeEvent>(c.event)) {
          outcome_sent += filled->frame.size();
          outcome_logged += filled->logged.size();
        }
      }
  sent_all += "]";
  logged_all += "]";
  log.keep(templates);  // the same template twice is kept once
  store::LoggedFrameReader reader(log.db);
  CHECK(reader.expanded_text(logged_all) == sent_all);
  // An outcome logs its summary's own parts (date, reference, answers, sections) and little else.
  CHECK(outcome_logged * 4 < outcome_sent);
  CHECK(logged_all.size() * 4 < sent_all.size());
  // Frames logged whole (an older log, an alert) come back as they are; an unknown template leaves its frame as logged.
  CHECK(reader.expanded_text(sent_all) == sent_all);
  const std::string unknown = R"([{"$template":"0123","type":"info","ref":"1"}])";
  CHECK(json::parse(reader.expanded_text(unknown)) == json::parse(unknown));
}

TEST_CASE("an outcome whose typed answers hold quotes, new lines, accents and broken UTF-8 is sent and read back as rendering it gives") {
  FrameLog log;
  protocol::FrameMemo memo;
  const auto set = shipped_owner();
  std::size_t checked = 0;
  for (auto c : shipped_cases()) {
    if (c.summary.answers.empty() && c.summary.sections.empty()) continue;
    for (auto& a : c.summary.answers) a.answer = "a \"quote\"\nthen caf\xc3\xa9, \xf0\x9f\x91\x8d and \xff\xfe bad \\ end";
    for (auto& sec : c.summary.sections)
      for (auto& item : sec.items) item.text += "\n  more \xe2\x80\x94 \xc3";
    c.summary.safety_alert = c.summary.safety_alert.empty() ? "" : "typed \"words\" \x01";
    const auto summary = memo.summary_fields(c.summary);
    CHECK(summary.sent == protocol::summary_member_texts(c.summary));
    const auto sent = with_ref(summary.sent, "7"), logged = with_ref(summary.logged, "7");
    const auto filled = memo.frame(set, c.dialog, c.event, false, sent, &logged);
    REQUIRE(filled);
    CHECK(filled->frame == rendered(Case{c.dialog, c.event, summary.sent, c.summary}, false, "7"));
    store::Record r;
    r.templates = {filled->logged_template, summary.shared};
    log.keep(r);
    store::LoggedFrameReader reader(log.db);
    CHECK(reader.expanded_text("[" + filled->logged + "]") == "[" + filled->frame + "]");
    ++checked;
  }
  CHECK(checked > 10);
}
