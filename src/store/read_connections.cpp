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

std::shared_ptr<ReadConnections> ReadConnections::postgresql(PostgresTarget target, std::size_t keep) {
  std::shared_ptr<ReadConnections> r(new ReadConnections());
  r->postgresql_ = std::make_unique<PostgresTarget>(std::move(target));
  r->keep_ = keep;
  return r;
}

ReadConnections::Lease ReadConnections::get() {
  if (!postgresql_) return Lease(nullptr, std::make_unique<SqliteDb>(sqlite_path_, false, 2000, true));
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  auto connected = PgDb::connect(*postgresql_);
  if (!connected) throw PgError(connected.error().message, "08001", 0);  // connection_unable_to_establish
  // Lent for reading only: a request that tried to write would be refused by the server.
  (*connected)->exec("SET default_transaction_read_only = on");
  return Lease(this, std::move(connected.value()));
}

void ReadConnections::give_back(std::unique_ptr<Db> db) {
  if (!db->usable()) return;
  db->rollback_if_open();
  std::lock_guard lock(mutex_);
  if (idle_.size() < keep_) idle_.push_back(std::move(db));
}

}  // namespace rc::store
