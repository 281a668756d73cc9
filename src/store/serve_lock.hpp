// One server per SQLite file. Two `rightconv serve` on one file would both deliver the outbox,
// both purge, and neither could tell a dead process's leftovers from the other's work in
// progress. The lock is an flock on "<db>.serve-lock" beside the file (not on the database
// file itself: closing a second descriptor of it would drop SQLite's own POSIX locks); the
// kernel releases it when the process dies, kill -9 included.
#pragma once
#include <memory>
#include <string>

#include "core/result.hpp"

namespace rc::store {

class ServeLock {
 public:
  ServeLock(const ServeLock&) = delete;
  ServeLock& operator=(const ServeLock&) = delete;
  ~ServeLock();

  // The lock for `db_path`, or an error naming the lock file when another server holds it.
  // An in-memory database (":memory:") needs none.
  static Result<std::unique_ptr<ServeLock>> take(const std::string& db_path);

 private:
  explicit ServeLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace rc::store
