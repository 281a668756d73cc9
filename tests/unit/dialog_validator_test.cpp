#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/dialog_loader.hpp"
#include "core/dialog_validator.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

// Each broken fixture marks the line the problem must be reported on with "# expected: <message>".
struct Expectation {
  int line = 0;
  std::string fragment;
};

Expectation expectation_in(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto at = line.find("# expected: ");
    if (at != std::string::npos) return {n, line.substr(at + 12)};
  }
  return {};
}

}  // namespace

TEST_CASE("the shipped dialogs pass the validator") {
  const auto& g = shipped();
  REQUIRE(g.dialogs.size() >= 1);
  CHECK_FALSE(has_errors(g.problems));
  for (const auto& d : g.dialogs) CHECK(validate_dialog(d, g.content).empty());
}

TEST_CASE("the validator catches each defect class and names file - line and node") {
  const std::string dir = source_path("tests/fixtures/dialogs/broken");
  std::size_t fixtures = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string path = entry.path().string();
    const Expectation want = expectation_in(path);
    CAPTURE(path);
    REQUIRE(want.line > 0);
    GuidanceSet g = load_guidance({path}, source_path("content"));
    bool found = false;
    std::string all;
    for (const auto& p : g.problems) {
      all += p.describe() + "\n";
      if (p.severity == Severity::error && p.file == path && p.line == want.line && p.message.find(want.fragment) != std::string::npos)
        found = true;
    }
    CAPTURE(all);
    CAPTURE(want.fragment);
    CHECK(found);
    ++fixtures;
  }
  CHECK(fixtures >= 14);
}

TEST_CASE("the validator reports all problems at once - not just the first") {
  Problems ps;
  auto d = parse_dialog(R"(id: many
version: "1"
title: Many problems
start: q1
nodes:
  - id: q1
    kind: question
    text: ""
    options:
      - {id: a, label: A, next: gone}
      - {id: a, label: "", next: q1}
  - id: q1
    kind: info
    text: dup
    source: 002_9cb3e83fa45f89f9.txt
    next: q1
)", "many.yaml", ps);
  REQUIRE(d);
  auto vp = validate_dialog(*d, shipped().content);
  ps.insert(ps.end(), vp.begin(), vp.end());
  std::string all;
  for (const auto& p : ps) all += p.describe() + "\n";
  CAPTURE(all);
  for (const char* fragment : {"empty text", "missing source", "unknown node \"gone\"", "duplicate option id", "empty label",
                               "duplicate node id", "no path from here reaches an outcome"})
    CHECK(all.find(fragment) != std::string::npos);
}

TEST_CASE("a generated 10 000-node dialog loads and validates - finding the one planted defect") {
  std::ostringstream y;
  y << "id: big\nversion: \"1\"\ntitle: Big\nstart: q0\nnodes:\n";
  const int n = 10000;
  for (int i = 0; i < n - 2; ++i) {
    y << "  - id: q" << i << "\n    kind: question\n    text: Question " << i << "?\n    source: 002_9cb3e83fa45f89f9.txt\n    options:\n"
      << "      - {id: a, label: Next, synonyms: [next, n], next: " << (i + 1 < n - 2 ? "q" + std::to_string(i + 1) : "end") << "}\n"
      << "      - {id: b, label: Stop, synonyms: [stop, s], next: end}\n";
  }
  y << "  - id: end\n    kind: outcome\n    outcome: universal_signpost\n    title: End\n    text: End.\n    source: 002_9cb3e83fa45f89f9.txt\n";
  y << "  - id: lonely\n    kind: outcome\n    outcome: universal_signpost\n    title: Lonely\n    text: Unreachable.\n    source: 002_9cb3e83fa45f89f9.txt\n";
  const std::string text = y.str();
  const auto t0 = std::chrono::steady_clock::now();
  Problems ps;
  auto d = parse_dialog(text, "big.yaml", ps);
  REQUIRE(d);
  Problems vp;
  for (auto& p : validate_dialog(*d, shipped().content))
    if (p.severity == Severity::error) vp.push_back(std::move(p));  // the generated nodes quote nothing: warnings
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(ps.empty());
  REQUIRE(vp.size() == 1);  // exactly the one planted defect
  CHECK(vp[0].node == "lonely");
  CHECK(d->nodes.size() == 10000);
  MESSAGE("10,000 nodes parsed and validated in " << seconds << " s");  // reported, not timed: no wall clock in tests
}
