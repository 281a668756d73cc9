// See group_commit_writer.hpp.
#include "group_commit_writer.hpp"

#include <spdlog/spdlog.h>

#include "conversation_log.hpp"

namespace rc::store {
namespace {

template <class Job>
void call_done(Job& job, bool ok, const std::string& error) {
  if (!job.done) return;
  try {
    job.done(ok, error);
  } catch (const std::exception& e) {
    spdlog::error("a write's completion failed: {}", e.what());  // the writer goes on regardless
  }
}

// SQLite may already have rolled back (disk full does): only roll back what is still open.
void rollback(SqliteDb& db) {
  if (!sqlite3_get_autocommit(db.handle())) sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(WriterOptions options) : options_(std::move(options)) {}

GroupCommitWriter::~GroupCommitWriter() { stop(); }

std::string GroupCommitWriter::start() {
  std::string error;
  if (!ensure_open(error)) return error;
  thread_ = std::thread([this] { run(); });
  checkpointer_ = std::thread([this] { run_checkpoints(); });
  return {};
}

// SQLite's automatic checkpoint runs inside a commit and syncs the whole database file: a
// few milliseconds that every turn of that batch would wait for. Here a second connection
// checkpoints in the background instead (PASSIVE: it never blocks the writer); the writer's
// own automatic checkpoint stays as a backstop, at a much larger WAL size.
void GroupCommitWriter::run_checkpoints() {
  std::uint64_t last_commits = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (checkpoint_wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_; })) return;
    }
    if (commits_.load() == last_commits) continue;
    struct stat exists {};
    if (::stat(options_.path.c_str(), &exists) != 0) continue;  // never create the file: that is the writer's job
    last_commits = commits_.load();
    try {
      // A fresh connection each round: nothing shared with the writer, and a replaced file is followed.
      SqliteDb db(options_.path, options_.full_sync, 0);
      db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const SqliteError&) {
      // busy or gone: the next round tries again
    }
  }
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
  if (done) done(false, "the database writer has stopped");  // never leave a caller waiting
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
  if (db_ && !file_was_replaced()) return true;
  if (db_) spdlog::error("database file {} was deleted or replaced; reopening it", options_.path);
  db_.reset();
  try {
    auto db = std::make_unique<SqliteDb>(options_.path, options_.full_sync, options_.busy_timeout_ms);
    migrate(*db);
    db->exec("PRAGMA wal_autocheckpoint=20000");  // the backstop; see run_checkpoints
    if (::stat(options_.path.c_str(), &identity_) != 0) throw SqliteError("stat " + options_.path + " failed", 0);
    db_ = std::move(db);
    return true;
  } catch (const SqliteError& e) {
    error = e.what();
    return false;
  }
}

void GroupCommitWriter::run() {
  std::deque<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
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

void GroupCommitWriter::run_batch(std::deque<Job>& batch) {
  std::string error;
  auto finish_all = [&](bool ok) {
    last_ok_ = ok;
    for (auto& job : batch) call_done(job, ok, error);
  };
  if (!ensure_open(error)) {
    spdlog::error("database unavailable: {}", error);
    return finish_all(false);
  }
  // Fast path: the whole batch in one transaction. Any exception from a job (not only SQLite's)
  // rolls the batch back; the thread itself must never die.
  bool committed = false;
  try {
    db_->exec("BEGIN IMMEDIATE");
    try {
      for (auto& job : batch) job.work(*db_);
      db_->exec("COMMIT");
      commits_++;
      committed = true;
    } catch (const std::exception&) {
      rollback(*db_);
      throw;
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (committed) return finish_all(true);  // outside the try: a callback's exception must not re-run committed jobs
  if (batch.size() == 1 || db_->handle() == nullptr) {
    spdlog::error("database write failed: {}", error);
    return finish_all(false);
  }
  // Slow path: one job failed (or the database is failing). Retry each alone so that one bad
  // job cannot take its neighbours down with it.
  bool any_ok = false;
  for (auto& job : batch) {
    std::string job_error;
    bool ok = false;
    try {
      db_->exec("BEGIN IMMEDIATE");
      try {
        job.work(*db_);
        db_->exec("COMMIT");
        ok = true;
      } catch (const std::exception&) {
        rollback(*db_);
        throw;
      }
    } catch (const std::exception& e) {
      job_error = e.what();
      if (!is_expected_refusal(job_error)) spdlog::error("database write failed: {}", job_error);
    }
    any_ok = any_ok || ok;
    call_done(job, ok, job_error);
  }
  last_ok_ = any_ok;
}

}  // namespace rc::store
