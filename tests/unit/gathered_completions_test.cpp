// GroupCommitWriter::submit_gathered: a batch's gathered completions reach the runner as one
// function, in order, never on the writer's thread nor on the submitting one; a refused job
// still gets its own result; without a runner they run on the writer's thread as before.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "temp_db.hpp"
#include "store/write_result.hpp"
#include "store/group_commit_writer.hpp"

using namespace rc::store;
namespace net = boost::asio;

namespace {

struct Completion {
  int job;
  WriteError error;
  std::thread::id thread;
};

// A writer on a real SQLite file whose gathered completions are posted to `io`, as the server
// posts them to its I/O threads; `runs` counts the functions the runner was given.
struct GatheringWriter {
  TempDb file{"gathered"};
  GroupCommitWriter writer{{file.path, false, 1000, 16}};
  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> waiting{io.get_executor()};  // run_one_for waits for a post
  std::atomic<int> runs{0};

  GatheringWriter() {
    REQUIRE(writer.start().empty());
    writer.set_gathered_runner([this](std::function<void()> run) {
      runs++;
      net::post(io, std::move(run));
    });
  }

  // Holds the writer inside a job until the returned promise is set, so what is submitted
  // meanwhile is taken as one batch.
  std::promise<void> hold() {
    std::promise<void> release, started;
    auto released = release.get_future().share();
    writer.submit(
        [released, &started](Db&) {
          started.set_value();
          released.wait();
        },
        nullptr);
    started.get_future().wait();
    return release;
  }

  // Runs the posted completions on this thread until `n` have been recorded (a minute without
  // one is a hang, not a slow machine: the test then fails on what it counts).
  void run_until(const std::vector<Completion>& seen, std::size_t n) {
    while (seen.size() < n) {
      if (io.run_one_for(std::chrono::seconds(60)) == 0) break;
    }
  }
};

void insert_row(Db& db, int i) {
  db.exec("CREATE TABLE IF NOT EXISTS t (i INTEGER PRIMARY KEY)");
  db.exec("INSERT INTO t VALUES (" + std::to_string(i) + ")");
}

}  // namespace

TEST_CASE("a batch's gathered completions run through the runner as one function, in order, off the writer's thread") {
  GatheringWriter w;
  std::vector<Completion> seen;  // only the io thread (this one) touches it
  auto release = w.hold();
  for (int i = 1; i <= 5; ++i)
    w.writer.submit_gathered([i](Db& db) { insert_row(db, i); },
                             [i, &seen](const WriteResult& r) { seen.push_back({i, r.error, std::this_thread::get_id()}); });
  release.set_value();
  w.run_until(seen, 5);
  CHECK(w.runs == 1);
  REQUIRE(seen.size() == 5);
  for (int i = 0; i < 5; ++i) {
    CHECK(seen[i].job == i + 1);
    CHECK(seen[i].error == WriteError::none);
    CHECK(seen[i].thread == std::this_thread::get_id());
  }
}

TEST_CASE("a gathered job refused in a batch gets its own result through the runner, and its neighbours are written") {
  GatheringWriter w;
  std::vector<Completion> seen;
  auto release = w.hold();
  for (int i = 1; i <= 3; ++i)
    w.writer.submit_gathered(
        [i](Db& db) {
          if (i == 2) throw Refusal(WriteError::conflict, "moved on");
          insert_row(db, i);
        },
        [i, &seen](const WriteResult& r) { seen.push_back({i, r.error, std::this_thread::get_id()}); });
  release.set_value();
  w.run_until(seen, 3);
  CHECK(w.runs == 1);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].error == WriteError::none);
  CHECK(seen[1].error == WriteError::conflict);
  CHECK(seen[2].error == WriteError::none);
}

TEST_CASE("a gathered completion that throws is logged and the batch's others still run") {
  GatheringWriter w;
  std::vector<Completion> seen;
  auto release = w.hold();
  for (int i = 1; i <= 3; ++i)
    w.writer.submit_gathered([i](Db& db) { insert_row(db, i); }, [i, &seen](const WriteResult& r) {
      seen.push_back({i, r.error, std::this_thread::get_id()});
      if (i == 1) throw std::runtime_error("a completion failed");
    });
  release.set_value();
  w.run_until(seen, 3);
  CHECK(seen.size() == 3);
}

TEST_CASE("without a runner, gathered completions run on the writer's thread") {
  GatheringWriter w;
  w.writer.set_gathered_runner(nullptr);
  std::promise<std::thread::id> ran_on;
  w.writer.submit_gathered([](Db& db) { insert_row(db, 1); }, [&ran_on](const WriteResult&) { ran_on.set_value(std::this_thread::get_id()); });
  const auto id = ran_on.get_future().get();
  CHECK(id != std::this_thread::get_id());
  CHECK(w.runs == 0);
}

TEST_CASE("after the writer stopped, a gathered submit fails through the runner, never on the submitting thread") {
  GatheringWriter w;
  w.writer.stop();
  std::vector<Completion> seen;
  w.writer.submit_gathered([](Db& db) { insert_row(db, 1); }, [&seen](const WriteResult& r) { seen.push_back({1, r.error, std::this_thread::get_id()}); });
  CHECK(seen.empty());  // not called inside submit_gathered
  CHECK(w.runs == 1);
  w.run_until(seen, 1);
  CHECK(seen[0].error == WriteError::failed);
}
