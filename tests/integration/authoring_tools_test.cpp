// The author tools as authors run them: rightconv test (scenarios and coverage), diff, and
// replay against a database filled by a real server run.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "db_reader.hpp"
#include "process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

const std::string bin = RC_BINARY;
std::string src(const std::string& rel) { return std::string(RC_SOURCE_DIR) + "/" + rel; }
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json answer(const std::string& node, const std::string& option) { return {{"type", "answer"}, {"node", node}, {"option", option}}; }
json typed(const std::string& node, const std::string& text) { return {{"type", "answer"}, {"node", node}, {"text", text}}; }

// Runs one conversation on its own connection and returns its id.
std::string converse(unsigned short port, const std::vector<json>& messages) {
  WsClient c(port);
  REQUIRE(c.connected());
  auto started = c.request({{"type", "start"}, {"dialog", "early-help"}, {"channel", "web"}});
  REQUIRE(!started.empty());
  REQUIRE(started[0]["type"] == "started");
  for (const auto& m : messages) REQUIRE(!c.request(m).empty());
  return started[0]["conversation"];
}

std::vector<json> to_area(const std::string& area) {
  return {answer("danger", "no"), answer("harm", "no"), answer("consent_talked", "yes"), answer("consent_answer", "agree"),
          answer("step_down", "no"), answer("needs", "multi"), typed("hub_notes", "none"), answer("area", area)};
}

}  // namespace

TEST_CASE("test runs the shipped scenarios that reach every outcome and exits 0") {
  auto r = run_process(bin, {"test", src("dialogs"), "--content", src("content"), "--require-full-outcome-coverage"});
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  // Every scenario in the file ran and passed (counted, so adding one does not break this test).
  std::ifstream file(src("dialogs") + "/tests/early-help.yaml");
  int scenarios = 0;
  for (std::string line; std::getline(file, line);) scenarios += line.rfind("  - name:", 0) == 0;
  REQUIRE(scenarios >= 50);
  const std::string n = std::to_string(scenarios);
  CHECK(has(r.out, n + " scenario(s): " + n + " passed, 0 failed"));
  CHECK(has(r.out, "early-help: outcomes 17/17, nodes 35/35, options 49/49"));
}

TEST_CASE("test fails a scenario with a wrong expected outcome and shows the path taken") {
  auto r = run_process(bin, {"test", src("tests/fixtures/authoring/dialogs"), "--content", src("content"), "--scenarios",
                             src("tests/fixtures/authoring/failing")});
  CAPTURE(r.out);
  CHECK(r.exit_code == 1);
  CHECK(has(r.out, "  ok    worried and in danger calls 999"));
  CHECK(has(r.out, "  FAIL  west wrongly expected at the East hub"));
  CHECK(has(r.out, "expected outcome hub_request_east, got hub_request_west (node hub_west)"));
  CHECK(has(r.out, "path: worried: Yes, I am worried → danger: No → area: West Leeds → ends at hub_west \"The West hub\" (hub_request_west)"));
  CHECK(has(r.out, "2 scenario(s): 1 passed, 1 failed"));
}

TEST_CASE("test reports the coverage of a small dialog and full outcome coverage can be required") {
  const std::vector<std::string> args = {"test", src("tests/fixtures/authoring/dialogs"), "--content", src("content")};
  auto r = run_process(bin, args);
  CAPTURE(r.out);
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "small: outcomes 2/4, nodes 6/8, options 4/6"));
  CHECK(has(r.out, "outcomes not reached: call_999, hub_west"));
  CHECK(has(r.out, "options not chosen: danger.yes, area.west"));
  auto strict = args;
  strict.push_back("--require-full-outcome-coverage");
  auto s = run_process(bin, strict);
  CHECK(s.exit_code == 1);
  CHECK(has(s.out, "some outcomes are reached by no scenario"));
}

TEST_CASE("diff exits 0 when only wording changed and 1 when an outcome changed or a node's removal changes one") {
  const std::string old = src("tests/fixtures/authoring/dialogs/small.yaml");
  auto reworded = run_process(bin, {"diff", old, src("tests/fixtures/authoring/diff/reworded.yaml")});
  CAPTURE(reworded.out);
  CHECK(reworded.exit_code == 0);
  CHECK(has(reworded.out, "~ danger: text: \"Is the child in danger now?\" -> \"Is the child in immediate danger right now?\""));
  CHECK(has(reworded.out, "no answer path ends differently (4 compared)"));

  auto changed = run_process(bin, {"diff", old, src("tests/fixtures/authoring/diff/outcome-changed.yaml")});
  CAPTURE(changed.out);
  CHECK(changed.exit_code == 1);
  CHECK(has(changed.out, "answer paths that end differently: 1 of 4\n"));
  CHECK(has(changed.out, "changed paths by outcome (old end -> new end: paths):\n  hub_west (hub_request_west) -> hub_east (hub_request_east): 1\n"));
  CHECK(has(changed.out, "  worried: Yes, I am worried → danger: No → area: West Leeds\n"
                         "    now ends at hub_east \"The East hub\" (hub_request_east), was hub_west \"The West hub\" (hub_request_west)\n"));
  // --by-outcome: the counts only.
  auto counts = run_process(bin, {"diff", old, src("tests/fixtures/authoring/diff/outcome-changed.yaml"), "--by-outcome"});
  CHECK(counts.exit_code == 1);
  CHECK(has(counts.out, "  hub_west (hub_request_west) -> hub_east (hub_request_east): 1\n"));
  CHECK_FALSE(has(counts.out, "worried: Yes, I am worried → danger: No"));

  auto removed = run_process(bin, {"diff", old, src("tests/fixtures/authoring/diff/question-removed.yaml")});
  CAPTURE(removed.out);
  CHECK(removed.exit_code == 1);
  CHECK(has(removed.out, "- danger: question: \"Is the child in danger now?\""));

  auto info = run_process(bin, {"diff", old, src("tests/fixtures/authoring/diff/info-removed.yaml")});
  CHECK(info.exit_code == 0);
  CHECK(has(info.out, "- advice: info:"));
}

TEST_CASE("the author tools have --help and usage mistakes exit 2") {
  for (const char* cmd : {"test", "diff", "replay"}) {
    auto r = run_process(bin, {cmd, "--help"});
    CAPTURE(cmd);
    CHECK(r.exit_code == 0);
    CHECK(has(r.out, std::string("usage: rightconv ") + cmd));
  }
  CHECK(run_process(bin, {"test", "--colour"}).exit_code == 2);
  CHECK(run_process(bin, {"diff", src("dialogs/early-help.yaml")}).exit_code == 2);
  CHECK(run_process(bin, {"diff", "a.yaml", "b.yaml", "--max-paths", "lots"}).exit_code == 2);
  CHECK(run_process(bin, {"replay", "--dialog", src("dialogs/early-help.yaml")}).exit_code == 2);
  CHECK(run_process(bin, {"replay", "--db", "x.db", "--dialog", src("dialogs/early-help.yaml"), "--since", "last week"}).exit_code == 2);
  CHECK(run_process(bin, {"diff", "/no/such.yaml", src("dialogs/early-help.yaml")}).exit_code == 1);
}

TEST_CASE("replay re-runs a real server's logged conversations against a candidate dialog without writing") {
  TempDir dir;
  std::ofstream(dir.file("fast.json")) << R"({"limits": {"max_messages_per_second": 100000, "burst_messages": 100000}})";
  ServerProcess server(dir, {"--config", dir.file("fast.json")});
  REQUIRE(server.start());
  std::vector<std::string> east;
  for (int i = 0; i < 3; ++i) east.push_back(converse(server.port(), to_area("east")));
  for (int i = 0; i < 2; ++i) converse(server.port(), to_area("west"));
  converse(server.port(), {answer("danger", "yes")});
  converse(server.port(), {answer("danger", "no"), json{{"type", "end"}}});  // left at harm
  // Typed answers, a stale answer and back, as a person might.
  converse(server.port(), {typed("danger", "yes"), json{{"type", "back"}}, typed("danger", "no"), answer("danger", "no"),
                           typed("harm", "not sure"), answer("lead_check", "cannot_reach")});

  const std::vector<std::string> same_args = {"replay", "--db", server.db(), "--dialog", src("dialogs/early-help.yaml")};
  SUBCASE("while the server runs, the unchanged dialog replays every conversation to the same end") {
    auto r = run_process(bin, same_args);
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    CHECK(has(r.out, "replayed 8 conversation(s) of early-help"));
    CHECK(has(r.out, "  8 would end the same"));
    CHECK(has(r.out, "  0 would end differently"));
    CHECK_FALSE(has(r.out, "warning"));
  }
  SUBCASE("after the server stops, a candidate sending East Leeds to the West hub changes exactly the east conversations") {
    REQUIRE(server.stop() == 0);
    std::string text = read_all(src("dialogs/early-help.yaml"));
    const auto at = text.find("next: hub_east");
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string("next: hub_east").size(), "next: hub_west");
    std::ofstream(dir.file("candidate.yaml")) << text;
    const std::string before = read_all(server.db());
    const std::string rows_before = scalar(server.db(), "SELECT COUNT(*) FROM turns");

    auto r = run_process(bin, {"replay", "--db", server.db(), "--dialog", dir.file("candidate.yaml")});
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    CHECK(has(r.out, "replayed 8 conversation(s) of early-help"));
    CHECK(has(r.out, "  5 would end the same"));
    CHECK(has(r.out, "  3 would end differently"));
    CHECK(has(r.out, "    3  hub_east \"Early Help Assessment, then a request to the East Early Help Hub: {hub_east.email}\" (hub_request_east) -> "
                     "hub_west \"Early Help Assessment, then a request to the West Early Help Hub: {hub_west.email}\" (hub_request_west)"));
    for (const auto& id : east) CHECK(has(r.out, id));
    CHECK(read_all(server.db()) == before);  // it writes nothing
    CHECK(scalar(server.db(), "SELECT COUNT(*) FROM turns") == rows_before);

    auto later = run_process(bin, {"replay", "--db", server.db(), "--dialog", dir.file("candidate.yaml"), "--since", "2999-01-01"});
    CHECK(later.exit_code == 0);
    CHECK(has(later.out, "replayed 0 conversation(s) of early-help since 2999-01-01"));
    auto since = run_process(bin, {"replay", "--db", server.db(), "--dialog", dir.file("candidate.yaml"), "--since", "2000-01-01T00:00Z"});
    CHECK(since.exit_code == 1);
    CHECK(has(since.out, "  3 would end differently"));
  }
}

TEST_CASE("replay of a database that does not exist is an error and creates nothing") {
  TempDir dir;
  auto r = run_process(bin, {"replay", "--db", dir.file("missing.db"), "--dialog", src("dialogs/early-help.yaml")});
  CHECK(r.exit_code == 1);
  CHECK(has(r.err, "cannot read the conversation log"));
  std::ifstream probe(dir.file("missing.db"));
  CHECK_FALSE(probe.good());
}
