// The rightconv binary as a user runs it: exit codes, messages, walk and graph.
#include <doctest/doctest.h>

#include "process.hpp"

using rc::test::run_process;

namespace {
const std::string bin = RC_BINARY;
std::string src(const std::string& rel) { return std::string(RC_SOURCE_DIR) + "/" + rel; }
std::vector<std::string> with_content(std::vector<std::string> args) {
  args.push_back("--content");
  args.push_back(src("content"));
  return args;
}
}  // namespace

TEST_CASE("check passes the shipped dialogs and content with exit 0") {
  auto r = run_process(bin, with_content({"check", src("dialogs")}));
  CAPTURE(r.out);
  CAPTURE(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("0 error(s)") != std::string::npos);
  CHECK(r.out.find("hub_east") != std::string::npos);  // the withheld number is reported as a warning
}

TEST_CASE("check reports every broken fixture with file and line - and exits 1") {
  auto r = run_process(bin, with_content({"check", src("tests/fixtures/dialogs/broken")}));
  CHECK(r.exit_code == 1);
  for (const char* where : {"unknown_reference.yaml:14: error: [q1]", "dead_end.yaml:13: error: [loop1]", "duplicate_id.yaml:19: error: [done]",
                            "unknown_key.yaml:9: error: [q1] unknown key \"sorce\""}) {
    CAPTURE(where);
    CHECK(r.out.find(where) != std::string::npos);
  }
}

TEST_CASE("usage errors exit 2 and every command has --help") {
  CHECK(run_process(bin, {}).exit_code == 2);
  CHECK(run_process(bin, {"frobnicate"}).exit_code == 2);
  CHECK(run_process(bin, {"check", "--colour"}).exit_code == 2);
  CHECK(run_process(bin, {"graph", "--format", "png", src("dialogs/early-help.yaml")}).exit_code == 2);
  for (const char* cmd : {"check", "walk", "graph"}) {
    auto r = run_process(bin, {cmd, "--help"});
    CAPTURE(cmd);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage: rightconv") != std::string::npos);
  }
}

TEST_CASE("a broken config file is a clear error naming the key") {
  auto r = run_process(bin, with_content({"check", "--config", src("tests/fixtures/config/bad.json")}));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("limits.max_frame_bytes: expected a positive integer") != std::string::npos);
}

TEST_CASE("walk runs the dialog in the terminal from typed answers to an outcome - with back") {
  auto r = run_process(bin, with_content({"walk", src("dialogs/early-help.yaml")}), "2\nno\nback\nnot sure\ncan't reach them\nquit\n");
  CAPTURE(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Is a child in immediate danger right now?") != std::string::npos);
  CHECK(r.out.find("Safeguarding Lead") != std::string::npos);
  CHECK(r.out.find("[duty_and_advice]") != std::string::npos);
  CHECK(r.out.find("tel: 0113 376 0336") != std::string::npos);
}

TEST_CASE("walk raises the urgent alert on a safety phrase") {
  auto r = run_process(bin, with_content({"walk", src("dialogs/early-help.yaml")}), "she is scared to go home\nquit\n");
  CHECK(r.out.find("URGENT") != std::string::npos);
  CHECK(r.out.find("tel: 999") != std::string::npos);
}

TEST_CASE("graph prints dot and mermaid with outcomes set apart") {
  auto dot = run_process(bin, with_content({"graph", src("dialogs/early-help.yaml"), "--format", "dot"}));
  CHECK(dot.exit_code == 0);
  CHECK(dot.out.rfind("digraph", 0) == 0);
  CHECK(dot.out.find("\"call_999\" [shape=box, style=\"filled,bold\", fillcolor=\"#ffc2c2\"") != std::string::npos);
  CHECK(dot.out.find("\"danger\" -> \"call_999\"") != std::string::npos);
  auto mm = run_process(bin, with_content({"graph", src("dialogs/early-help.yaml"), "--format", "mermaid"}));
  CHECK(mm.exit_code == 0);
  CHECK(mm.out.find("flowchart TD") != std::string::npos);
  CHECK(mm.out.find(":::outcome") != std::string::npos);
}
