// The readable conversation reference ("EH-7KQ2-M9XD", migration 009): how it is made and read
// back as people type it, that the database never holds one twice, and that a conversation from
// before it keeps its id as its reference.
#include <doctest/doctest.h>

#include <filesystem>
#include <future>

#include "temp_db.hpp"
#include "store/ids.hpp"
#include "store/migrations.hpp"
#include "store/review_queries.hpp"
#include "store/sqlite_conversation_log.hpp"

using namespace rc;
using namespace rc::store;

namespace {

bool is_readable_reference(const std::string& r) {
  if (r.size() != 12 || r.rfind("EH-", 0) != 0 || r[7] != '-') return false;
  const std::string chars = r.substr(3, 4) + r.substr(8, 4);
  return chars.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ") == std::string::npos;
}

NewConversation new_conversation(const std::string& id, const std::string& reference) {
  return NewConversation{.id = id, .dialog_id = "early-help", .dialog_version = "v1", .channel = "web", .token_hash = "hash",
                         .state = R"({"history":[]})", .started_at = 1000, .reference = reference};
}

}  // namespace

TEST_CASE("a conversation reference reads like a handoff's, and is read back however it is typed or said") {
  for (int i = 0; i < 200; ++i) CHECK(is_readable_reference(new_conversation_reference()));
  struct Case { const char* typed; const char* reads_as; };
  for (const auto& c : {Case{"EH-7KQ2-M9XD", "EH-7KQ2-M9XD"}, Case{"eh 7kq2 m9xd", "EH-7KQ2-M9XD"}, Case{"7KQ2M9XD", "EH-7KQ2-M9XD"},
                        Case{"7kq2-m9xd", "EH-7KQ2-M9XD"}, Case{"EH-7KQ2-M9XO", "EH-7KQ2-M9X0"}, Case{"eh-ikq2-l9xd", "EH-1KQ2-19XD"}}) {
    CAPTURE(c.typed);
    const auto r = conversation_reference_of(c.typed);
    REQUIRE(r);
    CHECK(*r == c.reads_as);
  }
  for (const char* other : {"HO-7KQ2-M9XD", "EH-7KQ2-M9XU", "EH-7KQ2-M9X", "hello", "", "0195a1b2c3d4e5f6a7b8c9d0e1f2", "weekends are hard"}) {
    CAPTURE(other);
    CHECK_FALSE(conversation_reference_of(other));
  }
}

TEST_CASE("the database never holds one reference twice: a clash is refused as reference_taken, and a voice call's is chosen free") {
  TempDb t{"reference"};
  SqliteDb db{t.path, false, 1000};
  migrate(db);
  Record first;
  first.start = new_conversation("0000000000010000000000000001", "EH-7KQ2-M9XD");
  SqliteConversationLog::apply(db, first);
  Record clash;
  clash.start = new_conversation("0000000000010000000000000002", "EH-7KQ2-M9XD");
  try {
    SqliteConversationLog::apply(db, clash);
    FAIL("a second conversation with the same reference was written");
  } catch (const Refusal& r) {
    CHECK(r.error() == WriteError::reference_taken);
  }
  for (int i = 0; i < 50; ++i) {
    const std::string free = SqliteConversationLog::unused_reference(db);
    CHECK(is_readable_reference(free));
    CHECK(free != "EH-7KQ2-M9XD");
  }
}

TEST_CASE("a conversation from before readable references keeps its id as its reference: loaded, listed, read and found by it") {
  TempDb t{"reference"};
  const std::string id = "0193a5c1d2e3f4a5b6c7d8e9f0a1";
  {
    // The database as it was at migration 008, with one conversation in it.
    SqliteDb old{t.path, false, 1000};
    for (const auto& m : migrations())
      if (m.version <= 8) old.exec(std::string(m.sql));
    old.exec("PRAGMA user_version=8");
    old.exec("INSERT INTO conversations (id, dialog_id, dialog_version, channel, started_at, updated_at, status, token_hash, state) "
             "VALUES ('" + id + "', 'early-help', 'v1', 'web', 1000, 1000, 'active', 'hash', '{\"history\":[]}')");
  }
  GroupCommitWriter writer{{t.path, false, 1000, 16}};
  REQUIRE(writer.start().empty());  // migrates to the latest
  SqliteConversationLog log(writer);
  std::promise<std::optional<StoredConversation>> loaded;
  log.load(id, [&](std::optional<StoredConversation> found, const WriteResult&) { loaded.set_value(std::move(found)); });
  const auto found = loaded.get_future().get();
  REQUIRE(found);
  CHECK(found->reference == id);
  // A new conversation next to it gets a readable one.
  std::promise<WriteResult> written;
  Record r;
  r.start = new_conversation("0000000000020000000000000001", "EH-AB12-CD34");
  log.write(r, [&](const WriteResult& w) { written.set_value(w); });
  REQUIRE(written.get_future().get().ok());
  writer.stop();

  SqliteDb db{t.path, false, 1000, true};
  auto transcript = staff::transcript(db, id, staff::Scope{});
  REQUIRE(transcript);
  CHECK((*transcript)["reference"] == id);
  staff::Filter by_id;
  by_id.reference = id;
  const auto page = staff::list_conversations(db, by_id, staff::Scope{});
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0]["id"] == id);
  auto parsed = staff::parse_filter({{"reference", "eh ab12 cd34"}});
  REQUIRE(parsed);
  const auto readable = staff::list_conversations(db, parsed.value(), staff::Scope{});
  REQUIRE(readable.items.size() == 1);
  CHECK(readable.items[0]["reference"] == "EH-AB12-CD34");
  CHECK_FALSE(staff::parse_filter({{"reference", "not a reference"}}));
}
