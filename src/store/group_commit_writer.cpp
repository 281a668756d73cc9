// See group_commit_writer.hpp.
#include "group_commit_writer.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "conversation_log.hpp"
#include "pg_db.hpp"
#include "pg_migrate.hpp"

namespace rc::store {
namespace {

template <class Job>
void call_done(Job& job, const WriteResult& result) {
  if (!job.done) return;
  try {
    job.done(result);
  } catch (const std::exception& e) {
    spdlog::error("a write's completion failed: {}", e.what());  // the writer goes on regardless
  }
}

// What a job's exception means: a refusal keeps its kind; anything else is a failure.
WriteResult result_of(const std::exception& e) {
  if (const auto* r = dynamic_cast<const Refusal*>(&e)) return {r->error(), r->code(), r->what()};
  return {WriteError::failed, {}, e.what()};
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(WriterOptions options) : options_(std::move(options)) {}

GroupCommitWriter::~GroupCommitWriter() { stop(); }

std::string GroupCommitWriter::start() {
  std::string error;
  if (!ensure_open(error)) return error;
  thread_ = std::thread([this] { run(); });
  if (is_sqlite()) {  // PostgreSQL checkpoints itself
    // A server stopped between a purge's commit and the WAL's emptying (kill -9) may have left
    // erased text in it: the checkpointer's first round empties it, load or not.
    wal_holds_erased_ = true;
    checkpointer_ = std::thread([this] { run_checkpoints(); });
  }
  return {};
}

// SQLite's automatic checkpoint runs inside a commit and syncs the whole database file: a
// few milliseconds that every turn of that batch would wait for. Here a second connection
// checkpoints in the background instead (PASSIVE: it never blocks the writer); the writer's
// own automatic checkpoint stays as a backstop, at a much larger WAL size.
void GroupCommitWriter::run_checkpoints() {
  std::uint64_t last_commits = 0;
  bool truncated_since_last_commit = true;
  // One connection, kept while its file stays the same: opening one reads the whole schema,
  // which cost more than the checkpoint itself at four rounds a second (issue 18).
  std::unique_ptr<SqliteDb> db;
  struct stat opened {};
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (checkpoint_wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_; })) return;
    }
    // A deleted or replaced file is let go at once, even while nothing is written.
    struct stat exists {};
    const bool found = ::stat(options_.path.c_str(), &exists) == 0;  // never create the file: that is the writer's job
    if (db && (!found || exists.st_ino != opened.st_ino || exists.st_dev != opened.st_dev)) db.reset();
    const bool idle = commits_.load() == last_commits;
    if (!found || (idle && truncated_since_last_commit && !wal_holds_erased_)) continue;
    last_commits = commits_.load();
    const int busy_ms = idle ? 0 : 50;
    // Taken, not read: a purge that fails again while this round empties the WAL sets it anew.
    const bool erased = wal_holds_erased_.exchange(false);
    truncated_since_last_commit = false;
    try {
      // Nothing is shared with the writer. Closing never checkpoints: a connection let go may
      // be on a file that was replaced, whose WAL is no longer the one beside the path.
      if (!db) {
        db = std::make_unique<SqliteDb>(options_.path, options_.full_sync, busy_ms);
        sqlite3_db_config(db->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        opened = exists;
      }
      sqlite3_busy_timeout(db->handle(), busy_ms);
      // PASSIVE never blocks the writer, but under steady writes it never reaches the WAL's end, so
      // the log would only grow. When the writer pauses, or a purge could not empty it, empty it
      // (TRUNCATE); when the log in use is large under load, have the writer start again at the
      // WAL's beginning (RESTART) and keep the file, whose blocks cost less to rewrite than to grow
      // again. Either waits at most a moment.
      if (idle || erased) {
        truncated_since_last_commit = truncate_wal(*db);
        if (!truncated_since_last_commit && erased) wal_holds_erased_ = true;
      } else if (checkpoint_passive(*db) > kWalRestartBytes) {
        restart_wal(*db);
      }
    } catch (const SqliteError&) {
      if (erased) wal_holds_erased_ = true;
      db.reset();  // busy or gone: the next round tries again on a fresh connection
    }
  }
}

std::int64_t GroupCommitWriter::wal_bytes() const {
  if (!is_sqlite()) return 0;
  struct stat wal {};
  return ::stat((options_.path + "-wal").c_str(), &wal) == 0 ? static_cast<std::int64_t>(wal.st_size) : 0;
}

void GroupCommitWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  checkpoint_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (checkpointer_.joinable()) checkpointer_.join();
  if (sqlite_ && wal_holds_erased_) truncate_wal_now();  // the last chance this run has; the next start tries again
  db_.reset();
}

void GroupCommitWriter::submit(Work work, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(work), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  if (done) done(WriteResult{WriteError::failed, {}, "the database writer has stopped"});  // never leave a caller waiting
}

void GroupCommitWriter::submit_and_truncate(Work work, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(work), std::move(done), true});
      wake_.notify_one();
      return;
    }
  }
  if (done) done(WriteResult{WriteError::failed, {}, "the database writer has stopped"});
}

void GroupCommitWriter::truncate_wal_now() {
  if (!sqlite_) return;  // PostgreSQL has no -wal file beside the data to empty
  // Every chat's write waits behind this one: wait for readers only a moment, since the
  // checkpointer tries again (every 250 ms) until they let go.
  sqlite3_busy_timeout(sqlite_->handle(), std::min(options_.busy_timeout_ms, 100));
  struct RestoreTimeout {
    SqliteDb& db;
    int ms;
    ~RestoreTimeout() { sqlite3_busy_timeout(db.handle(), ms); }
  } restore{*sqlite_, options_.busy_timeout_ms};
  try {
    if (!truncate_wal(*sqlite_)) {
      wal_holds_erased_ = true;
      spdlog::warn("the WAL could not be emptied yet (readers were busy); the checkpointer tries again");
    }
  } catch (const SqliteError& e) {
    wal_holds_erased_ = true;
    spdlog::warn("the WAL could not be emptied: {}; the checkpointer tries again", e.what());
  }
}

std::size_t GroupCommitWriter::queue_depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool GroupCommitWriter::file_was_replaced() const {
  struct stat now {};
  if (::stat(options_.path.c_str(), &now) != 0) return true;
  return now.st_ino != identity_.st_ino || now.st_dev != identity_.st_dev;
}

// (Re)opens the database when it is not open or its file was deleted or replaced under us:
// writing on to an unlinked file would acknowledge turns that no one can ever read.
bool GroupCommitWriter::ensure_open(std::string& error) {
  return is_sqlite() ? open_sqlite(error) : open_postgresql(error);
}

bool GroupCommitWriter::open_sqlite(std::string& error) {
  if (db_ && !file_was_replaced()) return true;
  if (db_) spdlog::error("database file {} was deleted or replaced; reopening it", options_.path);
  db_.reset();
  sqlite_ = nullptr;
  try {
    // The writer's commits gather their WAL writes at either sync level: at NORMAL a commit's
    // frames are written when it ends, as SQLite would, only in one system call instead of two
    // a page (bench/README.md, step 9).
    auto db = std::make_unique<SqliteDb>(options_.path, options_.full_sync, options_.busy_timeout_ms, false, /*gather_wal=*/true);
    migrate(*db);
    db->exec("PRAGMA wal_autocheckpoint=20000");  // the backstop; see run_checkpoints
    if (::stat(options_.path.c_str(), &identity_) != 0) throw SqliteError("stat " + options_.path + " failed", 0);
    sqlite_ = db.get();
    db_ = std::move(db);
    return true;
  } catch (const SqliteError& e) {
    error = e.what();
    return false;
  }
}

// A connection that broke (the server restarted, a fail-over) is replaced on the next batch;
// until then every write fails, and nothing is acknowledged that was not committed.
bool GroupCommitWriter::open_postgresql(std::string& error) {
  if (db_ && db_->usable()) return true;
  if (db_) spdlog::error("the PostgreSQL connection to {} was lost; reconnecting", options_.postgresql->url);
  db_.reset();
  // While it stays away, try again after a growing pause (to kReconnectAtMost), failing the
  // writes meanwhile at once: many instances must not hammer a database that is starting up.
  const auto now = std::chrono::steady_clock::now();
  if (now < next_connect_at_) {
    error = last_connect_error_;
    return false;
  }
  auto connected = PgDb::connect(*options_.postgresql);
  if (!connected) {
    error = last_connect_error_ = connected.error().message;
    next_connect_at_ = now + reconnect_pause_;
    reconnect_pause_ = std::min(reconnect_pause_ * 2, std::chrono::milliseconds(kReconnectAtMost));
    return false;
  }
  reconnect_pause_ = kReconnectFirst;
  auto migrated = migrate_postgresql(**connected);
  if (!migrated) {
    error = migrated.error().describe();
    return false;
  }
  // Every commit waits for the write-ahead log to reach disk (and standbys, as the server is set).
  try {
    (*connected)->exec("SET synchronous_commit = on");
  } catch (const DbError& e) {  // the connection broke at once: try again later, never end the writer thread
    error = e.what();
    return false;
  }
  db_ = std::move(connected.value());
  return true;
}

void GroupCommitWriter::run() {
  std::deque<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // SQLite's file is checked on every write. A PostgreSQL server can go away while no one
      // writes: an idle writer asks it now and then, so /readyz says so, and reconnects with
      // a growing pause while it stays away.
      const bool woken = is_sqlite() ? (wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); }), true)
                                     : wake_.wait_for(lock, kProbeEvery, [&] { return stopping_ || !queue_.empty(); });
      if (!woken) {
        lock.unlock();
        probe();
        continue;
      }
      if (queue_.empty()) return;  // stopping, and everything is written
      const std::size_t n = std::min<std::size_t>(queue_.size(), static_cast<std::size_t>(options_.max_batch));
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    batch.clear();
  }
}

// Said once when the database goes away and once when it is back, not on every failed write.
void GroupCommitWriter::note_health(bool ok, const std::string& error) {
  if (!ok && last_ok_.load()) spdlog::error("database unavailable: {}", error);
  if (ok && !last_ok_.load()) spdlog::info("the database is back");
  last_ok_ = ok;
}

bool GroupCommitWriter::probe() {
  std::string error;
  bool ok = ensure_open(error);
  if (ok) {
    try {
      db_->exec("SELECT 1");
    } catch (const std::exception& e) {
      error = e.what();
      ok = false;
    }
  }
  note_health(ok, error);
  return ok;
}

void GroupCommitWriter::run_batch(std::deque<Job>& batch) {
  std::string error;
  WriteResult failure;
  auto finish_all = [&](const WriteResult& result) {
    note_health(result.error != WriteError::failed, result.message);  // a refusal is an answer: the database is fine
    for (auto& job : batch) call_done(job, result);
  };
  if (!ensure_open(error)) return finish_all(WriteResult{WriteError::failed, {}, error});
  // Fast path: the whole batch in one transaction. Any exception from a job (not only SQLite's)
  // rolls the batch back; the thread itself must never die.
  bool committed = false;
  try {
    db_->begin_write();
    try {
      for (auto& job : batch) job.work(*db_);
      db_->commit();
      commits_++;
      committed = true;
    } catch (const std::exception&) {
      db_->rollback_if_open();
      throw;
    }
  } catch (const std::exception& e) {
    failure = result_of(e);
  }
  if (committed) {
    if (std::any_of(batch.begin(), batch.end(), [](const Job& j) { return j.truncate_wal; })) truncate_wal_now();
    return finish_all(WriteResult{});
  }  // outside the try: a callback's exception must not re-run committed jobs
  if (!failure.refused() && db_) db_->written_once().forget_all();
  if (batch.size() == 1 || !db_->usable()) {
    if (!failure.refused()) spdlog::error("database write failed: {}", failure.message);
    return finish_all(failure);
  }
  // Slow path: one job failed (or the database is failing). Retry each alone so that one bad
  // job cannot take its neighbours down with it.
  bool any_ok = false;
  for (auto& job : batch) {
    WriteResult result;
    try {
      db_->begin_write();
      try {
        job.work(*db_);
        db_->commit();
        commits_++;  // the checkpointer tells load from idle by these
      } catch (const std::exception&) {
        db_->rollback_if_open();
        throw;
      }
    } catch (const std::exception& e) {
      result = result_of(e);
      if (!result.refused()) spdlog::error("database write failed: {}", result.message);
    }
    any_ok = any_ok || result.error != WriteError::failed;
    if (result.ok() && job.truncate_wal) truncate_wal_now();
    call_done(job, result);
  }
  note_health(any_ok, "every write of the batch failed");
}

}  // namespace rc::store
