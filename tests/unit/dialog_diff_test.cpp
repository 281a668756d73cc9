// The dialog diff: what a user would notice between two versions, on pairs of fixture dialogs.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/dialog_diff.hpp"
#include "core/dialog_loader.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

Dialog load(const std::string& rel) {
  std::ifstream in(source_path(rel), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  Problems problems;
  auto d = parse_dialog(s.str(), rel, problems);
  REQUIRE(d.has_value());
  REQUIRE(problems.empty());
  return *d;
}

const Dialog& small() {
  static const Dialog d = load("tests/fixtures/authoring/dialogs/small.yaml");
  return d;
}

DialogDiff against(const std::string& variant) { return diff_dialogs(small(), load("tests/fixtures/authoring/diff/" + variant)); }

}  // namespace

TEST_CASE("a dialog compared with itself has no changes") {
  const auto d = diff_dialogs(small(), small());
  CHECK(d.added.empty());
  CHECK(d.removed.empty());
  CHECK(d.reworded.empty());
  CHECK(d.changed.empty());
  CHECK_FALSE(d.outcomes_changed());
  CHECK(d.paths_compared == 4);
}

TEST_CASE("rewording a question and an answer is reported and changes no outcome") {
  const auto d = against("reworded.yaml");
  REQUIRE(d.reworded.size() == 2);
  CHECK(d.reworded[0].node == "danger");
  CHECK(d.reworded[0].what == "text: \"Is the child in danger now?\" -> \"Is the child in immediate danger right now?\"");
  CHECK(d.reworded[1].what == "answer east label: \"East Leeds\" -> \"East of the city\"");
  CHECK(d.changed.empty());
  CHECK_FALSE(d.outcomes_changed());
}

TEST_CASE("an answer sent to another outcome is reported as the one path whose outcome changes") {
  const auto d = against("outcome-changed.yaml");
  REQUIRE(d.changed_paths.size() == 1);
  const auto& p = d.changed_paths[0];
  CHECK(p.was == PathEnd{PathEnd::Kind::outcome, "hub_west", "hub_request_west", {}});
  CHECK(p.now == PathEnd{PathEnd::Kind::outcome, "hub_east", "hub_request_east", {}});
  CHECK(p.words() ==
        "worried: Yes, I am worried → danger: No → area: West Leeds: now ends at hub_east \"The East hub\" (hub_request_east), "
        "was hub_west \"The West hub\" (hub_request_west)");
  CHECK(d.changed.size() == 1);
  CHECK(d.changed[0].what == "answer west now leads to hub_east, was hub_west");
}

TEST_CASE("removing an info node is reported and changes no outcome") {
  const auto d = against("info-removed.yaml");
  REQUIRE(d.removed.size() == 1);
  CHECK(d.removed[0].node == "advice");
  CHECK_FALSE(d.outcomes_changed());
}

TEST_CASE("removing a question and its outcome changes every path that went through them") {
  const auto d = against("question-removed.yaml");
  REQUIRE(d.removed.size() == 2);
  CHECK(d.removed[0].node == "danger");
  CHECK(d.removed[1].node == "call_999");
  REQUIRE(d.changed_paths.size() == 2);  // danger yes, then either area the new version asks
  for (const auto& p : d.changed_paths) {
    CHECK(p.was.node == "call_999");
    CHECK(p.steps.back() == "danger: Yes (old version only)");
  }
  CHECK(d.changed_paths[0].now.node == "hub_east");
  CHECK(d.changed_paths[1].now.node == "hub_west");
}

TEST_CASE("an added answer is a new path and a removed answer a path that cannot go on") {
  Dialog more = small();
  Node& area = more.nodes[more.index.at("area")];
  area.options.push_back({"south", "South Leeds", "", {}, "no_action", {}, 0});
  auto added = diff_dialogs(small(), more);
  REQUIRE(added.changed_paths.size() == 1);
  CHECK(added.changed_paths[0].was.kind == PathEnd::Kind::not_offered);
  CHECK(added.changed_paths[0].words().find("area: South Leeds: now ends at no_action") != std::string::npos);
  CHECK(added.changed_paths[0].words().find("was not possible (area had no answer \"south\")") != std::string::npos);
  auto removed = diff_dialogs(more, small());
  REQUIRE(removed.changed_paths.size() == 1);
  CHECK(removed.changed_paths[0].now.kind == PathEnd::Kind::not_offered);
  CHECK(removed.changed.at(0).what == "answer south \"South Leeds\" removed");
}

TEST_CASE("loops end a path without revisiting a node so the shipped dialog's paths are finite") {
  const auto d = diff_dialogs(early_help(), early_help());
  CHECK(d.paths_compared == 148);
  CHECK_FALSE(d.truncated);
  const auto capped = diff_dialogs(early_help(), early_help(), 10);
  CHECK(capped.truncated);
}

TEST_CASE("a new question in the middle of a path is asked with the answers given before and after it") {
  Dialog more = small();
  // worried -> danger -> check (new) -> advice; each answer of the new question is its own path.
  Node check;
  check.id = "check";
  check.kind = NodeKind::question;
  check.text = "Have you talked to your lead?";
  check.options = {{"yes", "Yes", "", {}, "advice", {}, 0}, {"no", "No", "", {}, "no_action", {}, 0}};
  more.nodes[more.index.at("danger")].options[1].next = "check";
  more.nodes.push_back(check);
  more.index.emplace("check", more.nodes.size() - 1);
  const auto d = diff_dialogs(small(), more);
  REQUIRE(d.added.size() == 1);
  CHECK(d.added[0].what == "question: \"Have you talked to your lead?\"");
  REQUIRE(d.changed_paths.size() == 2);  // check: no now ends at no_action, for both areas asked before
  for (const auto& p : d.changed_paths) {
    CHECK(p.now.node == "no_action");
    CHECK(p.words().find("check: No") != std::string::npos);
  }
}
