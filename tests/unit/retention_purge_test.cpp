#include <doctest/doctest.h>

#include <filesystem>

#include "store/audit_log.hpp"
#include "staff/retention_store.hpp"
#include "store/sqlite_conversation_log.hpp"

using namespace rc;
using namespace rc::store;

namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;
constexpr std::int64_t kT0 = 1'700'000'000'000;  // an arbitrary fixed start: the clock is ours

struct TestDb {
  std::string path = (std::filesystem::temp_directory_path() / ("purge-" + std::to_string(::getpid()) + "-" + std::to_string(rand()) + ".db")).string();
  SqliteDb db{path, false, 1000};
  TestDb() { migrate(db); }
  ~TestDb() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }

  // A conversation with one typed answer, started at `at`.
  void add(const std::string& id, std::int64_t at, const std::string& status, const std::string& text = "my notes") {
    Record r;
    r.start = NewConversation{id, "early-help", "v1", "web", "tokenhash", R"({"history":[{"node":"hub_notes","text":")" + text + R"("}]})", at};
    r.updates.push_back({.id = id,
                         .state = R"({"history":[{"node":"hub_notes","text":")" + text + R"("}]})",
                         .status = conversation_status_of(status).value(),
                         .updated_at = at});
    r.turns.push_back({id, at, "hub_notes", "in", R"({"type":"answer","node":"hub_notes","text":")" + text + R"("})"});
    r.turns.push_back({id, at, "area", "out", "[]"});
    SqliteConversationLog::apply(db, r);
  }
  std::int64_t count(const std::string& sql) {
    store::Query q(db, sql);
    q.step();
    return q.integer(0);
  }
  std::string text(const std::string& sql) {
    store::Query q(db, sql);
    return q.step() ? q.text(0) : "<none>";
  }
  staff::PurgeCounts purge(std::int64_t now, bool dry_run = false, Retention r = {}) { return staff::purge(db, r, now, dry_run, "test"); }
};

}  // namespace

TEST_CASE("resume tokens go after 24 hours") {
  TestDb d;
  d.add("a", kT0, "active");
  CHECK(d.purge(kT0 + 23 * 3600 * 1000).resume_tokens == 0);
  CHECK(d.purge(kT0 + 25 * 3600 * 1000).resume_tokens == 1);
  CHECK(d.count("SELECT COUNT(*) FROM conversations WHERE token_hash IS NULL") == 1);
}

TEST_CASE("abandoned conversations go after 7 days, completed ones stay") {
  TestDb d;
  d.add("gone", kT0, "abandoned");
  d.add("kept", kT0, "completed");
  CHECK(d.purge(kT0 + 6 * kDay).abandoned == 0);
  CHECK(d.purge(kT0 + 8 * kDay).abandoned == 1);
  CHECK(d.count("SELECT COUNT(*) FROM conversations") == 1);
  CHECK(d.count("SELECT COUNT(*) FROM turns WHERE conversation_id = 'gone'") == 0);
  CHECK(d.text("SELECT id FROM conversations") == "kept");
}

TEST_CASE("free text goes after 30 days - or 90 if the conversation was handed off, the structured record stays") {
  TestDb d;
  d.add("web", kT0, "completed", "rang on Tuesday");
  d.add("handed", kT0, "handed_off", "wants a call back");
  CHECK(d.purge(kT0 + 29 * kDay).free_text == 0);
  auto at31 = d.purge(kT0 + 31 * kDay);
  CHECK(at31.free_text == 1);
  CHECK(d.text("SELECT json_extract(message, '$.text') FROM turns WHERE conversation_id = 'web' AND direction = 'in'") == "[purged]");
  CHECK(d.text("SELECT json_extract(state, '$.history[0].text') FROM conversations WHERE id = 'web'") == "[purged]");
  CHECK(d.text("SELECT json_extract(message, '$.text') FROM turns WHERE conversation_id = 'handed' AND direction = 'in'") == "wants a call back");
  CHECK(d.purge(kT0 + 91 * kDay).free_text == 1);
  CHECK(d.purge(kT0 + 92 * kDay).free_text == 0);  // nothing twice
  CHECK(d.count("SELECT COUNT(*) FROM conversations") == 2);
}

TEST_CASE("the structured record goes after 6 years and the audit log after its period") {
  TestDb d;
  d.add("old", kT0, "completed");
  staff::append_audit(d.db, {kT0, "eve", "read", "{}", "127.0.0.1"});
  staff::append_audit(d.db, {kT0 + 1, "eve", "read", "{}", "127.0.0.1"});
  CHECK(d.purge(kT0 + 6 * 365 * kDay - kDay).records == 0);
  auto later = d.purge(kT0 + 6 * 365 * kDay + kDay);
  CHECK(later.records == 1);
  CHECK(later.audit_rows == 2);
  CHECK(d.count("SELECT COUNT(*) FROM conversations") == 0);
  // The chain still verifies from what is left.
  CHECK(staff::verify_audit_chain(d.db).ok);
}

TEST_CASE("a legal hold stops every purge of that conversation - and erasure too") {
  TestDb d;
  d.add("held", kT0, "abandoned", "keep this");
  d.add("free", kT0, "abandoned");
  d.db.exec("UPDATE conversations SET legal_hold = 1 WHERE id = 'held'");
  auto c = d.purge(kT0 + 7 * 365 * kDay);
  CHECK(c.held == 1);
  CHECK(c.abandoned == 1);
  CHECK(d.text("SELECT id FROM conversations") == "held");
  CHECK(d.text("SELECT json_extract(message, '$.text') FROM turns WHERE conversation_id = 'held' AND direction = 'in'") == "keep this");
  CHECK(staff::erase_conversation(d.db, "held") == staff::EraseResult::held);
  CHECK(staff::erase_conversation(d.db, "nope") == staff::EraseResult::not_found);
  d.db.exec("UPDATE conversations SET legal_hold = 0 WHERE id = 'held'");
  CHECK(staff::erase_conversation(d.db, "held") == staff::EraseResult::erased);
  CHECK(d.count("SELECT COUNT(*) FROM turns") == 0);
}

TEST_CASE("a dry run changes nothing - and every purge is itself audited") {
  TestDb d;
  d.add("gone", kT0, "abandoned");
  auto dry = d.purge(kT0 + 8 * kDay, true);
  CHECK(dry.abandoned == 1);
  CHECK(d.count("SELECT COUNT(*) FROM conversations") == 1);
  d.purge(kT0 + 8 * kDay);
  CHECK(d.count("SELECT COUNT(*) FROM conversations") == 0);
  CHECK(d.count("SELECT COUNT(*) FROM audit WHERE action = 'purge_dry_run'") == 1);
  CHECK(d.count("SELECT COUNT(*) FROM audit WHERE action = 'purge'") == 1);
  CHECK(d.text("SELECT json_extract(target, '$.abandoned') FROM audit WHERE action = 'purge'") == "1");
  CHECK(staff::verify_audit_chain(d.db).ok);
}

TEST_CASE("a conversation left open past its resume window is marked abandoned - then purged as one") {
  TestDb d;
  d.add("open", kT0, "active");
  CHECK(d.purge(kT0 + 3600 * 1000).left_open == 0);
  CHECK(d.purge(kT0 + 25 * 3600 * 1000).left_open == 1);
  CHECK(d.text("SELECT status FROM conversations WHERE id = 'open'") == "abandoned");
  CHECK(d.count("SELECT ended_at FROM conversations WHERE id = 'open'") == kT0);
  CHECK(d.purge(kT0 + 9 * kDay).abandoned == 1);
}

TEST_CASE("a phone call's wrap-up note goes with the free text and its call row with the record") {
  TestDb d;
  d.db.exec("INSERT INTO staff (id, display_name, role, created_at) VALUES ('p.line', 'Pat Line', 'hub:south', 0)");
  Record r;
  r.start = NewConversation{"call", "early-help", "v1", "phone", "tokenhash", R"({"history":[]})", kT0};
  r.updates.push_back({.id = "call", .state = R"({"history":[]})", .status = ConversationStatus::completed, .updated_at = kT0});
  r.call_taken = PhoneCallTaken{"call", "p.line", kT0};
  r.call_wrap_up = PhoneCallWrapUp{"call", "other", "rang about a cousin", std::nullopt, false, kT0};
  r.turns.push_back({"call", kT0, "danger", "in", R"({"type":"wrap_up","outcome_confirmed":false,"code":"other","note":"rang about a cousin"})"});
  SqliteConversationLog::apply(d.db, r);
  CHECK(d.purge(kT0 + 31 * kDay).free_text == 1);
  CHECK(d.text("SELECT json_extract(message, '$.note') FROM turns WHERE conversation_id = 'call'") == "[purged]");
  CHECK(d.text("SELECT wrap_up_note || '|' || wrap_up_code || '|' || staff_id FROM phone_calls WHERE conversation_id = 'call'") == "[purged]|other|p.line");
  d.purge(kT0 + 6 * 365 * kDay + kDay);
  CHECK(d.count("SELECT COUNT(*) FROM phone_calls") == 0);
}

TEST_CASE("purging typed text reaches an outcome's logged summary and never the ids of the templates it names") {
  TestDb d;
  d.add("hex", kT0, "completed", "face");  // typed text that a template id could hold
  const std::string shared_id = "00facefacefacefacefacefaceface00", summary_id = "11facefacefacefacefacefaceface11";
  Record r;
  r.turns.push_back({"hex", kT0, "hub_east", "out",
                     R"([{"$template":")" + shared_id + R"(","type":"outcome","$summary":{"$template":")" + summary_id +
                         R"(","answers":[{"answer":"face","node":"hub_notes","question":"Notes?","typed":true}],"text":["Date: x\n","- Notes?\n  face\n"]}}])"});
  SqliteConversationLog::apply(d.db, r);
  CHECK(d.purge(kT0 + 31 * kDay).free_text == 1);
  const std::string logged = d.text("SELECT message FROM turns WHERE conversation_id = 'hex' AND node = 'hub_east'");
  CHECK(logged.find(shared_id) != std::string::npos);
  CHECK(logged.find(summary_id) != std::string::npos);
  CHECK(d.text("SELECT json_extract(message, '$[0].$summary.answers[0].answer') FROM turns WHERE conversation_id = 'hex' AND node = 'hub_east'") == "[purged]");
  CHECK(d.text("SELECT json_extract(message, '$[0].$summary.text[1]') FROM turns WHERE conversation_id = 'hex' AND node = 'hub_east'") == "- Notes?\n  [purged]\n");
}

TEST_CASE("purging typed text leaves the ids, types and dates it happens to be part of") {
  TestDb d;
  d.add("notes", kT0, "completed", "notes");      // inside the node "hub_notes"
  d.add("typed", kT0, "completed", "message");    // a frame type
  Record r;
  r.turns.push_back({"typed", kT0, "hub_notes", "out", R"([{"type":"message","from":"practitioner","text":"message"}])"});
  r.turns.push_back({"notes", kT0, "hub_east", "out",
                     R"x([{"type":"outcome","node":"hub_east","$summary":{"date":"Friday 14 March 2025, 10:32 (UK time)",)x"
                     R"x("answers":[{"answer":"notes","node":"hub_notes","question":"Notes?","typed":true}]}}])x"});
  SqliteConversationLog::apply(d.db, r);
  CHECK(d.purge(kT0 + 31 * kDay).free_text == 2);
  // The typed words are gone...
  CHECK(d.text("SELECT json_extract(message, '$.text') FROM turns WHERE conversation_id = 'notes' AND direction = 'in'") == "[purged]");
  CHECK(d.text("SELECT json_extract(state, '$.history[0].text') FROM conversations WHERE id = 'notes'") == "[purged]");
  CHECK(d.text("SELECT json_extract(message, '$[0].text') FROM turns WHERE conversation_id = 'typed' AND direction = 'out' AND node = 'hub_notes'") == "[purged]");
  CHECK(d.text("SELECT json_extract(message, '$[0].$summary.answers[0].answer') FROM turns WHERE conversation_id = 'notes' AND node = 'hub_east'") == "[purged]");
  // ...and what the server named stays as it was.
  CHECK(d.text("SELECT json_extract(message, '$.node') FROM turns WHERE conversation_id = 'notes' AND direction = 'in'") == "hub_notes");
  CHECK(d.text("SELECT json_extract(state, '$.history[0].node') FROM conversations WHERE id = 'notes'") == "hub_notes");
  CHECK(d.text("SELECT json_extract(message, '$.type') FROM turns WHERE conversation_id = 'typed' AND direction = 'in'") == "answer");
  CHECK(d.text("SELECT json_extract(message, '$[0].type') FROM turns WHERE conversation_id = 'typed' AND direction = 'out' AND node = 'hub_notes'") == "message");
  CHECK(d.text("SELECT json_extract(message, '$[0].$summary.answers[0].node') FROM turns WHERE conversation_id = 'notes' AND node = 'hub_east'") == "hub_notes");
  CHECK(d.text("SELECT json_extract(message, '$[0].$summary.date') FROM turns WHERE conversation_id = 'notes' AND node = 'hub_east'") ==
        "Friday 14 March 2025, 10:32 (UK time)");
}
