// The WAL-gathering VFS (store/wal_gather_vfs.hpp): a commit's frames reach the log in one
// write, what was committed is read back by another connection, a failed write fails the
// commit instead of being acknowledged, and without a sync at each commit nothing is gathered.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "temp_db.hpp"
#include "store/sqlite_db.hpp"
#include "store/wal_gather_vfs.hpp"

using namespace rc::store;

namespace {

std::int64_t count(SqliteDb& db) {
  SqliteStatement q(db.handle(), "SELECT COUNT(*) FROM t");
  return q.step() ? q.integer(0) : -1;
}

std::string one_text(SqliteDb& db, const std::string& sql) {
  SqliteStatement q(db.handle(), sql);
  return q.step() ? q.text(0) : std::string();
}

// `rows` rows of 2 KB in one transaction: about one page each.
void insert(SqliteDb& db, int rows) {
  db.exec("BEGIN IMMEDIATE");
  for (int i = 0; i < rows; ++i) db.exec("INSERT INTO t (v) VALUES (randomblob(2000))");
  db.exec("COMMIT");
}

}  // namespace

TEST_CASE("a commit's WAL frames reach the file in one write, and another connection reads them") {
  TempDb file{"gather"};
  SqliteDb db(file.path, /*full_sync=*/true, 1000);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
  insert(db, 1);  // the log's header is synced on its own when the log starts

  const WalGatherStats before = wal_gather_stats();
  insert(db, 40);  // two rows a page: 20-odd frames
  WalGatherStats after = wal_gather_stats();
  CHECK(after.writes - before.writes >= 40);  // a header and a page for each frame
  CHECK(after.flushes - before.flushes == 1);

  // A commit larger than one write may carry (0x1ffff bytes, about 31 frames) goes in parts,
  // each as large as it may be.
  const WalGatherStats big = wal_gather_stats();
  insert(db, 300);  // 150-odd frames, over 600 KB
  after = wal_gather_stats();
  CHECK(after.writes - big.writes >= 300);
  CHECK(after.flushes - big.flushes >= 5);
  CHECK(after.flushes - big.flushes <= 7);

  SqliteDb reader(file.path, /*full_sync=*/false, 1000, /*read_only=*/true);
  CHECK(count(reader) == 341);
  SqliteDb again(file.path, /*full_sync=*/true, 1000);  // a second writer's connection reads the same
  CHECK(count(again) == 341);
  CHECK(one_text(again, "PRAGMA integrity_check") == "ok");
}

TEST_CASE("without a sync at each commit, the WAL's writes are not gathered") {
  TempDb file{"gather"};
  SqliteDb db(file.path, /*full_sync=*/false, 1000);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
  insert(db, 1);
  const WalGatherStats before = wal_gather_stats();
  insert(db, 20);
  const WalGatherStats after = wal_gather_stats();
  CHECK(after.writes == before.writes);
  CHECK(after.flushes == before.flushes);
  SqliteDb reader(file.path, false, 1000, true);
  CHECK(count(reader) == 21);
}

TEST_CASE("a gathered write that fails fails its commit, and the commit is not there afterwards") {
  TempDb file{"gather"};
  {
    SqliteDb db(file.path, /*full_sync=*/true, 1000);
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
    insert(db, 3);

    // The file size limit lets the WAL grow by a few pages only: the gathered write of a
    // 200-page commit fails (EFBIG; SIGXFSZ ignored so the process lives to see it).
    const auto wal_size = std::filesystem::file_size(file.path + "-wal");
    struct rlimit was {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &was) == 0);
    struct sigaction ignore {}, old {};
    ignore.sa_handler = SIG_IGN;
    REQUIRE(::sigaction(SIGXFSZ, &ignore, &old) == 0);
    struct rlimit small = was;
    small.rlim_cur = static_cast<rlim_t>(std::max<std::uintmax_t>(wal_size, 64 * 1024) + 5 * 4096);
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    bool failed = false;
    try {
      insert(db, 200);
    } catch (const SqliteError& e) {
      failed = true;
      MESSAGE("the commit failed as it should: " << e.what());
    }
    ::setrlimit(RLIMIT_FSIZE, &was);
    ::sigaction(SIGXFSZ, &old, nullptr);
    CHECK(failed);
    db.rollback_if_open();
  }
  SqliteDb reader(file.path, /*full_sync=*/true, 1000);
  CHECK(count(reader) == 3);  // the three committed rows, none of the failed commit's
  insert(reader, 2);          // and the database takes new commits
  CHECK(count(reader) == 5);
}
