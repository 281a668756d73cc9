// text_bench: how long the safety detector and the redaction take on one typed message, on
// this machine. Messages of about 300 and 2,000 characters are cut from the labelled corpus
// (content/safety/corpus), plus a hostile one built to make the patterns work hardest. Prints
// a markdown table of microseconds per message (p50, p90, p99, max) and messages per second
// on one thread. A benchmark, not a test: it reports, it never fails on a time.
//
//   text_bench [--content DIR] [--corpus DIR] [--iterations N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/engine.hpp"
#include "core/redaction.hpp"
#include "guidance/guidance_loader.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// The corpus sentences; `which`: "all", "ordinary" (ok.* lines) or "disclosures".
std::vector<std::string> corpus_texts(const std::string& dir, const std::string& which = "all") {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".txt") continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) {
      const auto bar = line.find(" | ");
      if (line.empty() || line[0] == '#' || bar == std::string::npos) continue;
      const bool ordinary = line.rfind("ok.", 0) == 0;
      if ((which == "ordinary" && !ordinary) || (which == "disclosures" && ordinary)) continue;
      out.push_back(line.substr(bar + 3));
    }
  }
  return out;
}

// Messages of about `size` characters, each a run of corpus sentences.
std::vector<std::string> messages_of(const std::vector<std::string>& texts, std::size_t size, std::size_t count, std::mt19937& rng) {
  std::vector<std::string> out;
  std::uniform_int_distribution<std::size_t> pick(0, texts.size() - 1);
  while (out.size() < count) {
    std::string m;
    while (m.size() < size) m += texts[pick(rng)] + " ";
    m.resize(size);
    out.push_back(std::move(m));
  }
  return out;
}

struct Row {
  std::string what;
  std::size_t chars = 0;
  std::vector<double> micros;
};

template <class F>
Row measure(const std::string& what, const std::vector<std::string>& messages, int iterations, F&& f) {
  Row r{what, messages.empty() ? 0 : messages[0].size(), {}};
  volatile std::size_t sink = 0;
  for (const auto& m : messages) sink = sink + f(m);  // warm-up: caches, the DFA's states
  for (int i = 0; i < iterations; ++i)
    for (const auto& m : messages) {
      const auto t0 = Clock::now();
      sink = sink + f(m);
      r.micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  return r;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string content = "content", corpus = "content/safety/corpus";
  int iterations = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--content") content = argv[i + 1];
    else if (a == "--corpus") corpus = argv[i + 1];
    else if (a == "--iterations") iterations = std::max(1, std::atoi(argv[i + 1]));
  }
  const auto t0 = Clock::now();
  const rc::GuidanceSet g = rc::load_guidance({}, content);
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!g.content.safety.detector) {
    std::fprintf(stderr, "text_bench: the safety detector did not load from %s\n", content.c_str());
    return 1;
  }
  const auto texts = corpus_texts(corpus);
  std::mt19937 rng(20261202);
  const auto short_msgs = messages_of(texts, 300, 200, rng);
  const auto long_msgs = messages_of(texts, 2000, 100, rng);
  const auto ordinary = corpus_texts(corpus, "ordinary"), disclosures = corpus_texts(corpus, "disclosures");
  const auto short_ordinary = messages_of(ordinary, 300, 200, rng), short_disclosures = messages_of(disclosures, 300, 200, rng);
  const auto long_ordinary = messages_of(ordinary, 2000, 100, rng);
  std::string hostile;
  while (hostile.size() < 2000) hostile += "dad mum not no never bruis knife sexual touch her him ";
  hostile.resize(2000);
  const std::vector<std::string> hostile_msgs(20, hostile);

  const auto& detector = *g.content.safety.detector;
  auto detect = [&](const std::string& m) { return detector.detect(m).size(); };
  auto redact_it = [&](const std::string& m) { return rc::redact(m).size(); };
  std::vector<Row> rows = {
      measure("safety detector, ordinary text", short_ordinary, iterations, detect),
      measure("safety detector, disclosures only", short_disclosures, iterations, detect),
      measure("safety detector, corpus mix", short_msgs, iterations, detect),
      measure("safety detector, ordinary text", long_ordinary, iterations, detect),
      measure("safety detector, corpus mix", long_msgs, iterations, detect),
      measure("safety detector (hostile)", hostile_msgs, iterations, detect), measure("redaction", short_msgs, iterations, redact_it),
      measure("redaction", long_msgs, iterations, redact_it),
  };
  std::printf("Safety detector: %zu harm rules, loaded with the dictionary in %.0f ms; %zu corpus sentences; %d iterations\n\n",
              detector.pattern_count(), load_ms, texts.size(), iterations);
  std::printf("| what | characters | messages timed | p50 us | p90 us | p99 us | max us | messages/s (1 thread) |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& r : rows) {
    double total = 0;
    for (double m : r.micros) total += m;
    std::printf("| %s | %zu | %zu | %.1f | %.1f | %.1f | %.1f | %.0f |\n", r.what.c_str(), r.chars, r.micros.size(), percentile(r.micros, 0.5),
                percentile(r.micros, 0.9), percentile(r.micros, 0.99), percentile(r.micros, 1.0), r.micros.size() / (total / 1e6));
  }
  std::printf("\nPeak RSS: %.1f MiB\n", peak_rss_kib() / 1024.0);
  return 0;
}
