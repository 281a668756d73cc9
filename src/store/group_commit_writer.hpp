// One thread owns the database connection. It takes jobs from a queue, runs many of them in
// one transaction, commits, and only then tells each job's owner it is done: so nothing is
// acknowledged before it is on disk, and fsyncs are shared by many turns.
#pragma once
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sqlite_db.hpp"

namespace rc::store {

struct WriterOptions {
  std::string path;
  bool full_sync = true;   // fsync the WAL on every commit: survives power loss, not just kill -9
  int busy_timeout_ms = 1000;
  int max_batch = 512;
};

class GroupCommitWriter {
 public:
  using Work = std::function<void(SqliteDb&)>;  // throws SqliteError on failure
  using Done = std::function<void(bool ok, const std::string& error)>;

  explicit GroupCommitWriter(WriterOptions options);
  ~GroupCommitWriter();

  // Opens the database and applies migrations on the caller's thread, then starts the writer.
  // Returns an error message, empty on success.
  std::string start();
  // Finishes every queued job, then stops.
  void stop();

  void submit(Work work, Done done);
  std::size_t queue_depth() const;
  bool last_commit_ok() const { return last_ok_.load(); }
  std::uint64_t commits() const { return commits_.load(); }

 private:
  struct Job {
    Work work;
    Done done;
  };
  void run();
  void run_batch(std::deque<Job>& batch);
  void run_checkpoints();
  bool ensure_open(std::string& error);
  bool file_was_replaced() const;

  WriterOptions options_;
  std::unique_ptr<SqliteDb> db_;
  struct stat identity_ {};
  mutable std::mutex mutex_;
  std::condition_variable wake_;             // the writer's: a job or stop
  std::condition_variable checkpoint_wake_;  // the checkpointer's: stop only
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::thread checkpointer_;  // copies the WAL into the database off the writer's path
  std::atomic<bool> last_ok_{true};
  std::atomic<std::uint64_t> commits_{0};
};

}  // namespace rc::store
