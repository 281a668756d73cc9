// Read connections for request threads (the staff API). SQLite opens a read-only connection
// per request: cheap next to the request, and nothing shared. PostgreSQL keeps a few open and
// lends them out, since each new one costs a password exchange; a connection that broke is
// dropped, not lent again.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "database_target.hpp"
#include "db.hpp"

namespace rc::store {

class ReadConnections {
 public:
  // A connection lent to one request; back to the pool when it goes.
  class Lease {
   public:
    Lease(ReadConnections* owner, std::unique_ptr<Db> db) : owner_(owner), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Db& operator*() const { return *db_; }
    Db* operator->() const { return db_.get(); }

   private:
    ReadConnections* owner_;
    std::unique_ptr<Db> db_;
  };

  static std::shared_ptr<ReadConnections> sqlite(std::string path);
  static std::shared_ptr<ReadConnections> postgresql(PostgresTarget target, std::size_t keep = 8);

  // Throws DbError when the database cannot be reached.
  Lease get();

 private:
  ReadConnections() = default;
  void give_back(std::unique_ptr<Db> db);

  std::string sqlite_path_;
  std::unique_ptr<PostgresTarget> postgresql_;
  std::size_t keep_ = 0;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Db>> idle_;
};

}  // namespace rc::store
