// The rightconv binary as a user runs it: exit codes, messages, walk and graph.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "process.hpp"
#include "server_process.hpp"

using rc::test::run_process;
using rc::test::TempDir;

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
  auto r = run_process(bin, with_content({"walk", src("dialogs/early-help.yaml")}), "3\nno\nback\nnot sure\ncan't reach them\nquit\n");
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

TEST_CASE("safety eval gates on recall and false alarms and lists every miss, explain shows why") {
  TempDir dir;
  const std::string corpus = dir.file("c.txt");
  {
    std::ofstream out(corpus);
    out << "# two of each\nphysical_abuse | his dad punches him\nneglect | the sky is blue\nok.idiom | he kicked off at break\nok.sport | "
           "beat the record\n";
  }
  auto r = run_process(RC_BINARY, {"safety", "eval", corpus, "--content", std::string(RC_SOURCE_DIR) + "/content"});
  CHECK(r.exit_code == 1);  // recall 0.5
  CHECK(r.out.find("recall 0.500 (1 of 2 disclosures), false-alarm rate 0.000 (0 of 2 ordinary lines)") != std::string::npos);
  CHECK(r.out.find("c.txt:3 [neglect] the sky is blue") != std::string::npos);
  CHECK(r.out.find("Gate: recall >= 0.98 and false-alarm rate <= 0.03: FAIL") != std::string::npos);
  auto pass = run_process(RC_BINARY, {"safety", "eval", corpus, "--content", std::string(RC_SOURCE_DIR) + "/content", "--min-recall", "0.5"});
  CHECK(pass.exit_code == 0);
  auto bad = run_process(RC_BINARY, {"safety", "eval", corpus, "--min-recall", "lots"});
  CHECK(bad.exit_code == 2);
  {
    std::ofstream out(corpus, std::ios::app);
    out << "nonsense | x\n";
  }
  auto broken = run_process(RC_BINARY, {"safety", "eval", corpus, "--content", std::string(RC_SOURCE_DIR) + "/content"});
  CHECK(broken.exit_code == 1);
  CHECK(broken.err.find("c.txt:6: error: unknown label \"nonsense\"") != std::string::npos);
  auto why = run_process(RC_BINARY, {"safety", "explain", "No concerns about neglect", "--content", std::string(RC_SOURCE_DIR) + "/content"});
  CHECK(why.exit_code == 0);
  CHECK(why.out.find("dropped neglect") != std::string::npos);
  CHECK(why.out.find("negation:") != std::string::npos);
  CHECK(why.out.find("=> no alert") != std::string::npos);
}

TEST_CASE("a broken detector rule stops check and serve with its file and line") {
  TempDir dir;
  const std::string content = dir.file("content");
  std::filesystem::create_directories(content + "/safety");
  for (const auto& e : std::filesystem::directory_iterator(std::string(RC_SOURCE_DIR) + "/content"))
    if (e.is_regular_file()) std::filesystem::copy_file(e.path(), content + "/" + e.path().filename().string());
  std::filesystem::copy_file(std::string(RC_SOURCE_DIR) + "/content/safety/alert.yaml", content + "/safety/alert.yaml");
  {
    std::ofstream out(content + "/safety/detector.yaml");
    out << "safety_detector:\n  categories:\n    - id: harm\n      label: Harm\n      patterns:\n        - \"(hit|\"\n";
  }
  auto r = run_process(RC_BINARY, {"check", std::string(RC_SOURCE_DIR) + "/dialogs", "--content", content});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("detector.yaml:6: error: [safety_detector] pattern \"(hit|\"") != std::string::npos);
}
