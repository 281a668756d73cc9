// Read connections for request threads (the staff API). SQLite opens a read-only connection
// per request: cheap next to the request, and nothing shared. PostgreSQL keeps a few open and
// lends them out, since each new one costs a password exchange; a connection that broke is
// dropped, not lent again, and an idle one is asked (SELECT 1, one round trip) before it is lent.
#pragma once
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "database_target.hpp"
#include "db.hpp"

namespace rc::store {

class ReadConnections : public std::enable_shared_from_this<ReadConnections> {
 public:
  // A connection lent to one request; back to the pool when it goes. It keeps the pool alive.
  class Lease {
   public:
    Lease(std::shared_ptr<ReadConnections> owner, std::unique_ptr<Db> db) : owner_(std::move(owner)), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Db& operator*() const { return *db_; }
    Db* operator->() const { return db_.get(); }

   private:
    std::shared_ptr<ReadConnections> owner_;
    std::unique_ptr<Db> db_;
  };

  static std::shared_ptr<ReadConnections> sqlite(std::string path);
  // `keep` idle connections at most; `most` open at once (lent or idle): a request beyond waits
  // a few seconds for one, then fails as the database being busy.
  static std::shared_ptr<ReadConnections> postgresql(PostgresTarget target, std::size_t keep = 8, std::size_t most = 32);

  // Throws DbError when the database cannot be reached (or is busy past the wait).
  Lease get();

 private:
  ReadConnections() = default;
  void give_back(std::unique_ptr<Db> db);
  void closed_one();
  std::unique_ptr<Db> open_postgresql();
  static constexpr auto kWaitForOne = std::chrono::seconds(5);

  std::string sqlite_path_;
  std::unique_ptr<PostgresTarget> postgresql_;
  std::size_t keep_ = 0, most_ = 0;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::size_t open_ = 0;  // lent or idle
  std::vector<std::unique_ptr<Db>> idle_;
};

}  // namespace rc::store
