// One thread owns the database connection (an SQLite file, or a PostgreSQL database). It takes jobs from a queue, runs many of them in
// one transaction, commits, and only then tells each job's owner it is done: so nothing is
// acknowledged before it is on disk, and fsyncs are shared by many turns.
#pragma once
#include <chrono>
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "database_target.hpp"
#include "sqlite_db.hpp"
#include "write_result.hpp"

namespace rc::store {

struct WriterOptions {
  std::string path;  // the SQLite file; unused when `postgresql` is set
  bool full_sync = true;   // fsync the WAL on every commit: survives power loss, not just kill -9
  int busy_timeout_ms = 1000;
  int max_batch = 512;
  std::optional<PostgresTarget> postgresql;  // the store is this PostgreSQL database instead
};

class GroupCommitWriter {
 public:
  using Work = std::function<void(Db&)>;  // throws SqliteError (or PgError) on failure, Refusal to refuse
  using Done = std::function<void(const WriteResult& result)>;

  explicit GroupCommitWriter(WriterOptions options);
  ~GroupCommitWriter();

  // Opens the database and applies migrations on the caller's thread, then starts the writer.
  // Returns an error message, empty on success.
  std::string start();
  // Finishes every queued job, then stops.
  void stop();

  void submit(Work work, Done done);
  // The same, then empties the WAL after the commit (a purge or an erasure: nothing removed may
  // stay readable in the -wal file). `done` still reports the write; a WAL that readers kept
  // from emptying is logged, and the checkpointer empties it as soon as they let it.
  void submit_and_truncate(Work work, Done done);
  std::size_t queue_depth() const;
  bool last_commit_ok() const { return last_ok_.load(); }
  std::uint64_t commits() const { return commits_.load(); }
  // The WAL file's size now (for /metrics): the checkpointer keeps it bounded (restarted past
  // kWalRestartBytes of log under load, the file keeping the largest size it reached; emptied
  // when writes pause).
  std::int64_t wal_bytes() const;

 private:
  struct Job {
    Work work;
    Done done;
    bool truncate_wal = false;
  };
  void truncate_wal_now();
  void run();
  void run_batch(std::deque<Job>& batch);
  bool probe();  // PostgreSQL, while idle: true when it answers
  void note_health(bool ok, const std::string& error);
  static constexpr std::chrono::milliseconds kProbeEvery{1000}, kReconnectFirst{250}, kReconnectAtMost{5000};
  std::chrono::steady_clock::time_point next_connect_at_{};
  std::chrono::milliseconds reconnect_pause_ = kReconnectFirst;
  std::string last_connect_error_;
  void run_checkpoints();
  // Past this much log in use, the writer is made to start the WAL again even under load.
  static constexpr std::int64_t kWalRestartBytes = 32LL * 1024 * 1024;
  bool ensure_open(std::string& error);
  bool file_was_replaced() const;

  bool is_sqlite() const { return !options_.postgresql; }
  bool open_sqlite(std::string& error);
  bool open_postgresql(std::string& error);

  WriterOptions options_;
  std::unique_ptr<Db> db_;
  SqliteDb* sqlite_ = nullptr;  // db_ when the store is SQLite (WAL and file checks)
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
  // Set when a purge's emptying of the WAL could not finish, and at start (a WAL a killed server
  // left may hold erased text): until the checkpointer has emptied it, it truncates under load
  // too, rather than restarting (which would keep the erased text's old frames in the file).
  std::atomic<bool> wal_holds_erased_{false};
};

}  // namespace rc::store
