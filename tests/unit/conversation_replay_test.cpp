// Replaying logged client messages against a dialog: the same end as logged on the same
// version, and the differences on a changed one, grouped by old -> new.
#include <doctest/doctest.h>

#include "core/conversation_replay.hpp"
#include "core/dialog_loader.hpp"
#include "core/state_json.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

std::string answer(const std::string& node, const std::string& option) {
  return R"({"type":"answer","node":")" + node + R"(","option":")" + option + "\"}";
}
std::string typed(const std::string& node, const std::string& text) {
  return R"({"type":"answer","node":")" + node + R"(","text":")" + text + "\"}";
}
const std::string start = R"({"type":"start","dialog":"early-help","channel":"web"})";
const std::string back = R"({"type":"back"})";
const std::string end = R"({"type":"end"})";

std::vector<std::string> east_path() {
  return {start, answer("danger", "no"), answer("harm", "no"), answer("consent_talked", "yes"), answer("consent_answer", "agree"),
          answer("step_down", "no"), answer("needs", "multi"), typed("hub_notes", "none"), answer("area", "east")};
}

// The dialog with East Leeds sent to the West hub.
Dialog east_to_west() {
  Dialog d = early_help();
  for (auto& o : d.nodes[d.index.at("area")].options)
    if (o.id == "east") o.next = "hub_west";
  d.content_hash = "candidate";
  return d;
}

LoggedConversation logged(const std::string& id, std::vector<std::string> messages) {
  const ReplayEnd e = replay_messages(early_help(), messages);
  // The state as the server would have logged it: only `current` and `finished` matter here.
  State s;
  s.dialog = "early-help";
  s.version = early_help().content_hash;
  s.current = e.node;
  s.finished = e.finished;
  return {id, early_help().content_hash, state_to_json(s).dump(), e.code, std::move(messages)};
}

}  // namespace

TEST_CASE("replaying logged messages reaches the same outcome as the conversation did") {
  const auto e = replay_messages(early_help(), east_path());
  CHECK(e.finished);
  CHECK(e.node == "hub_east");
  CHECK(e.code == "hub_request_east");
  CHECK(replay_messages(east_to_west(), east_path()).node == "hub_west");
}

TEST_CASE("going back and typed answers and rejected stale answers replay as the engine took them") {
  // A stale answer for danger after it was answered is rejected, as it was live.
  const std::vector<std::string> messages = {start, typed("danger", "no"), answer("danger", "yes"), answer("harm", "yes"), back,
                                             typed("harm", "not sure"), answer("lead_check", "cannot_reach")};
  const auto e = replay_messages(early_help(), messages);
  CHECK(e.node == "duty_and_advice_unsure");
}

TEST_CASE("an ended conversation stops at end and one left mid-way stops at its question") {
  auto messages = east_path();
  messages.insert(messages.begin() + 3, end);
  const auto e = replay_messages(early_help(), messages);
  CHECK_FALSE(e.finished);
  CHECK(e.node == "consent_talked");
  CHECK(end_in_words(&early_help(), e) == "no outcome, stopped at consent_talked");
}

TEST_CASE("the replay report groups conversations that would end differently by old and new outcome") {
  std::vector<LoggedConversation> log = {logged("c1", east_path()), logged("c2", east_path()), logged("c3", {start, answer("danger", "yes")}),
                                         logged("c4", {start, answer("danger", "no")})};
  const std::map<std::string, Dialog> versions = {{early_help().content_hash, early_help()}};
  const auto same = replay_conversations(early_help(), log, versions);
  CHECK(same.replayed == 4);
  CHECK(same.same == 4);
  CHECK(same.different == 0);
  CHECK(same.not_reproduced == 0);

  const auto r = replay_conversations(east_to_west(), log, versions);
  CHECK(r.same == 2);
  CHECK(r.different == 2);
  REQUIRE(r.groups.size() == 1);
  CHECK(r.groups[0].count == 2);
  CHECK(r.groups[0].examples == std::vector<std::string>{"c1", "c2"});
  CHECK(r.groups[0].was == "hub_east \"Early Help Assessment, then a request to the East Early Help Hub: {hub_east.email}\" (hub_request_east)");
  CHECK(r.groups[0].now == "hub_west \"Early Help Assessment, then a request to the West Early Help Hub: {hub_west.email}\" (hub_request_west)");
}

TEST_CASE("without the logged dialog version the old end comes from the logged state and unreadable states are left out") {
  std::vector<LoggedConversation> log = {logged("c1", east_path()), {"bad", "v", "not json", "", {start}}};
  const auto r = replay_conversations(east_to_west(), log, {});
  CHECK(r.replayed == 1);
  CHECK(r.unreadable == 1);
  REQUIRE(r.groups.size() == 1);
  CHECK(r.groups[0].was == "hub_east (hub_request_east)");
}

TEST_CASE("a conversation that does not replay to its logged end on its own version is counted") {
  auto c = logged("c1", east_path());
  c.client_messages.pop_back();  // a lost turn: the log says hub_east, the messages stop at area
  const std::map<std::string, Dialog> versions = {{early_help().content_hash, early_help()}};
  const auto r = replay_conversations(early_help(), {c}, versions);
  CHECK(r.not_reproduced == 1);
  CHECK(r.not_reproduced_examples == std::vector<std::string>{"c1"});
}
