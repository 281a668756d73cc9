// See read_connections.hpp.
#include "read_connections.hpp"

#include "pg_db.hpp"
#include "sqlite_db.hpp"

namespace rc::store {

ReadConnections::Lease::~Lease() {
  if (owner_ && db_) owner_->give_back(std::move(db_));
}

std::shared_ptr<ReadConnections> ReadConnections::sqlite(std::string path) {
  std::shared_ptr<ReadConnections> r(new ReadConnections());
  r->sqlite_path_ = std::move(path);
  return r;
}

std::shared_ptr<ReadConnections> ReadConnections::postgresql(PostgresTarget target, std::size_t keep, std::size_t most) {
  std::shared_ptr<ReadConnections> r(new ReadConnections());
  r->postgresql_ = std::make_unique<PostgresTarget>(std::move(target));
  r->keep_ = keep;
  r->most_ = std::max(most, keep);
  return r;
}

ReadConnections::Lease ReadConnections::get() {
  if (!postgresql_) return Lease(nullptr, std::make_unique<SqliteDb>(sqlite_path_, false, 2000, true));
  for (;;) {
    std::unique_ptr<Db> idle;
    {
      std::unique_lock lock(mutex_);
      if (!freed_.wait_for(lock, kWaitForOne, [this] { return !idle_.empty() || open_ < most_; }))
        throw PgError("every read connection is in use", "53300", 0);  // too_many_connections: try again later
      if (idle_.empty()) {
        ++open_;  // a new one, counted before it is made so no other request overshoots
        break;
      }
      idle = std::move(idle_.back());
      idle_.pop_back();
    }
    // An idle one may have been cut meanwhile (a restart, a fail-over): asked first, and
    // dropped rather than lent if it does not answer, so the request gets a working one.
    try {
      idle->exec("SELECT 1");
      return Lease(shared_from_this(), std::move(idle));
    } catch (const DbError&) {
      idle.reset();
      closed_one();
    }
  }
  try {
    return Lease(shared_from_this(), open_postgresql());
  } catch (...) {
    closed_one();
    throw;
  }
}

std::unique_ptr<Db> ReadConnections::open_postgresql() {
  auto connected = PgDb::connect(*postgresql_);
  if (!connected) throw PgError(connected.error().message, "08001", 0);  // connection_unable_to_establish
  // Lent for reading only: a request that tried to write would be refused by the server.
  (*connected)->exec("SET default_transaction_read_only = on");
  return std::move(connected.value());
}

void ReadConnections::closed_one() {
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  freed_.notify_one();
}

void ReadConnections::give_back(std::unique_ptr<Db> db) {
  bool kept = false;
  if (db->usable()) {
    try {
      db->rollback_if_open();
      std::lock_guard lock(mutex_);
      if (idle_.size() < keep_) {
        idle_.push_back(std::move(db));
        kept = true;
      }
    } catch (const DbError&) {  // the rollback found it broken
    }
  }
  if (kept) {
    freed_.notify_one();
    return;
  }
  db.reset();
  closed_one();
}

}  // namespace rc::store
