// The voice_calls table (migration 005) with the conversation log: a call is found again by
// its CallSid, and erasing its conversation takes the call's row with it.
#include <doctest/doctest.h>

#include <filesystem>

#include "shipped.hpp"
#include "staff/retention_store.hpp"
#include "store/sqlite_conversation_log.hpp"
#include "voice/voice_call_store.hpp"

using namespace rc;
using namespace rc::test;
using namespace rc::voice;

namespace {

struct TempDb {
  std::string path = (std::filesystem::temp_directory_path() / ("voice-store-" + std::to_string(::getpid()) + ".db")).string();
  store::SqliteDb db{path, false, 1000};
  TempDb() { store::migrate(db); }
  ~TempDb() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  }
};

std::int64_t count(store::Db& db, const std::string& sql) {
  store::Query q(db, sql);
  q.step();
  return q.integer(0);
}

}  // namespace

TEST_CASE("a call is stored as a voice conversation and found again by its CallSid") {
  TempDb t;
  CallTurn turn = start_call(early_help(), shipped().content, 1000);
  store::SqliteConversationLog::apply(t.db, record_of_turn(early_help(), "conv1", turn, "danger", true, 1000));
  save_call(t.db, "CA01", "conv1", 0, 1000);
  auto call = load_call(t.db, "CA01");
  REQUIRE(call);
  CHECK(call->conversation.id == "conv1");
  CHECK(call->conversation.channel == "voice");
  CHECK(call->conversation.status == store::ConversationStatus::active);
  CHECK(call->conversation.dialog_version == early_help().content_hash);
  CHECK_FALSE(load_call(t.db, "CA02"));

  CallTurn next = take_turn(early_help(), shipped().content, {turn.next.state, 0}, {"danger", "", ""}, false, 2000);
  store::SqliteConversationLog::apply(t.db, record_of_turn(early_help(), "conv1", next, "danger", false, 2000));
  save_call(t.db, "CA01", "conv1", next.next.no_input, 2000);
  CHECK(load_call(t.db, "CA01")->no_input == 1);
  CHECK(count(t.db, "SELECT COUNT(*) FROM turns WHERE conversation_id = 'conv1'") == 4);
}

TEST_CASE("erasing a call's conversation removes its call row too") {
  TempDb t;
  CallTurn turn = start_call(early_help(), shipped().content, 1000);
  store::SqliteConversationLog::apply(t.db, record_of_turn(early_help(), "conv1", turn, "danger", true, 1000));
  save_call(t.db, "CA01", "conv1", 0, 1000);
  CHECK(staff::erase_conversation(t.db, "conv1") == staff::EraseResult::erased);
  CHECK(count(t.db, "SELECT COUNT(*) FROM voice_calls") == 0);
}

TEST_CASE("ending a call records abandoned or completed with the end time") {
  TempDb t;
  CallTurn turn = start_call(early_help(), shipped().content, 1000);
  store::SqliteConversationLog::apply(t.db, record_of_turn(early_help(), "conv1", turn, "danger", true, 1000));
  store::SqliteConversationLog::apply(t.db, record_of_end(early_help(), "conv1", turn.next.state, {{"type", "end"}}, 3000));
  store::Query q(t.db, "SELECT status, ended_at FROM conversations WHERE id = 'conv1'");
  REQUIRE(q.step());
  CHECK(q.text(0) == "abandoned");
  CHECK(q.integer(1) == 3000);
}
