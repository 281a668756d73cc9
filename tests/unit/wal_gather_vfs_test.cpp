// The WAL-gathering VFS (store/wal_gather_vfs.hpp): a commit's frames reach the log in one
// write and another connection reads them; frames are in the file before a reader can see them
// even without a sync; a rolled-back transaction's frames are never written over another
// connection's commit; a write that fails rolls back the whole transaction. The failures come
// from the unix VFS's own hook for its system calls, so they are exact and repeatable.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>

#include <filesystem>
#include <string>

#include "failing_writes.hpp"
#include "sqlite_probe.hpp"
#include "temp_db.hpp"
#include "store/sqlite_db.hpp"
#include "store/wal_gather_vfs.hpp"

using namespace rc::store;

namespace {

std::int64_t count(SqliteDb& db) {
  SqliteStatement q(db.handle(), "SELECT COUNT(*) FROM t");
  return q.step() ? q.integer(0) : -1;
}


// A transaction large enough to spill frames into the log (with a small page cache), rolled back.
void spill_and_roll_back(SqliteDb& db) {
  db.exec("BEGIN");
  for (int i = 0; i < 60; ++i) db.exec("INSERT INTO t (v) VALUES (randomblob(2000))");
  db.exec("ROLLBACK");
}

// Another writer's commit of 40 rows of zeros: the frames a stale write would land on.
void commit_zeros(SqliteDb& db) {
  db.exec("BEGIN IMMEDIATE");
  for (int i = 0; i < 40; ++i) db.exec("INSERT INTO t (v) VALUES (zeroblob(2000))");
  db.exec("COMMIT");
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
  CHECK(one(again, "PRAGMA integrity_check") == "ok");
}

TEST_CASE("frames reach the file before another connection can see them, even when a commit has no sync") {
  TempDb file{"gather"};
  SqliteDb writer(file.path, /*full_sync=*/true, 1000);
  // No sync at a commit: the frames must be written by the time the commit returns. (A reader on
  // another thread could look between the wal-index's publication and the write lock's release;
  // the flush at the wal-index barrier covers that moment, which a test cannot time.)
  writer.exec("PRAGMA synchronous=NORMAL");
  writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  SqliteDb reader(file.path, /*full_sync=*/false, 1000);
  const WalGatherStats before = wal_gather_stats();
  int wrong = 0;
  for (int i = 1; i <= 100; ++i) {
    writer.exec("INSERT INTO t (v) VALUES (printf('%.1500c', 'x'))");
    if (one(reader, "SELECT count(*) || ',' || sum(v = printf('%.1500c', 'x')) FROM t") != std::to_string(i) + "," + std::to_string(i)) ++wrong;
  }
  CHECK(wrong == 0);
  const WalGatherStats after = wal_gather_stats();
  CHECK(after.writes - before.writes >= 200);  // gathered: a header and a page a frame
  CHECK(one(reader, "PRAGMA integrity_check") == "ok");
}

TEST_CASE("a rolled-back transaction's frames are never written over another connection's commit") {
  TempDb file{"gather"};
  SqliteDb a(file.path, /*full_sync=*/true, 1000);
  a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
  insert(a, 10);
  SqliteDb b(file.path, /*full_sync=*/false, 1000);  // another writer, on SQLite's own VFS
  b.exec("PRAGMA wal_checkpoint(TRUNCATE)");          // the log starts again: the next frames go at its beginning
  a.exec("PRAGMA cache_size=20");                     // so a large transaction spills frames into the log
  spill_and_roll_back(a);
  commit_zeros(b);
  CHECK(one(a, "SELECT count(*) || ',' || sum(v = zeroblob(2000)) FROM t") == "50,40");  // a reads the log
  SqliteDb c(file.path, /*full_sync=*/false, 1000);
  CHECK(one(c, "PRAGMA integrity_check") == "ok");
  CHECK(one(c, "SELECT count(*) || ',' || sum(v = zeroblob(2000)) FROM t") == "50,40");
}

TEST_CASE("a gathered write that fails when the transaction reads it back rolls the whole transaction back") {
  TempDb file{"gather"};
  FailingWrites failing;
  {
    SqliteDb a(file.path, /*full_sync=*/true, 1000);
    a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
    insert(a, 5);
    a.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    a.exec("PRAGMA cache_size=5");
    a.exec("BEGIN");
    for (int i = 0; i < 40; ++i) a.exec("INSERT INTO t (v) VALUES (randomblob(2000))");  // spilled: gathered, not written
    FailingWrites::armed = true;
    // Reading a spilled page writes what is gathered first, and that write fails. A statement
    // journal would undo only this statement (SQLITE_FULL); IOERR_WRITE undoes the transaction.
    CHECK(refused(a, "INSERT INTO t (v) SELECT v FROM t WHERE id BETWEEN 8 AND 9"));
    FailingWrites::armed = false;
    CHECK(sqlite3_get_autocommit(a.handle()) == 1);  // rolled back
    CHECK(refused(a, "COMMIT"));               // nothing left to commit
    insert(a, 1);                                    // and the database takes a new commit
  }
  SqliteDb b(file.path, /*full_sync=*/false, 1000);
  CHECK(one(b, "PRAGMA integrity_check") == "ok");
  CHECK(count(b) == 6);  // the first five and the last one: none of the failed transaction
}

TEST_CASE("a gathered write that fails at the commit fails the commit, and the database is as it was") {
  TempDb file{"gather"};
  FailingWrites failing;
  {
    SqliteDb a(file.path, /*full_sync=*/true, 1000);
    a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
    insert(a, 3);
    a.exec("BEGIN IMMEDIATE");
    for (int i = 0; i < 30; ++i) a.exec("INSERT INTO t (v) VALUES (randomblob(2000))");
    FailingWrites::armed = true;
    CHECK(refused(a, "COMMIT"));
    FailingWrites::armed = false;
    a.rollback_if_open();
    CHECK(count(a) == 3);
    insert(a, 2);
  }
  SqliteDb b(file.path, /*full_sync=*/true, 1000);
  CHECK(one(b, "PRAGMA integrity_check") == "ok");
  CHECK(count(b) == 5);  // the three committed before, the two after: none of the failed commit
}

TEST_CASE("a gathered write that fails at a commit without a sync fails that commit") {
  TempDb file{"gather"};
  FailingWrites failing;
  SqliteDb a(file.path, /*full_sync=*/true, 1000);
  a.exec("PRAGMA synchronous=NORMAL");  // no sync to report the failure: the commit's last frame must
  a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  a.exec("INSERT INTO t (v) VALUES ('one')");
  FailingWrites::armed = true;
  CHECK(refused(a, "INSERT INTO t (v) VALUES ('two')"));  // not acknowledged
  FailingWrites::armed = false;
  SqliteDb b(file.path, /*full_sync=*/false, 1000);
  CHECK(one(b, "SELECT group_concat(v) FROM t") == "one");
  CHECK(one(b, "PRAGMA integrity_check") == "ok");
  a.exec("INSERT INTO t (v) VALUES ('three')");
  CHECK(one(b, "SELECT group_concat(v) FROM t") == "one,three");
}

// A transaction that spills frames into the log, writes one of them again in place (its page
// dirtied again), then commits at NORMAL: SQLite rewrites the checksums of the frames from the
// rewritten one on, 24 bytes each, the last of them after the commit's own frames.
void commit_with_rewritten_checksums(SqliteDb& db) {
  db.exec("PRAGMA cache_size=5");
  db.exec("BEGIN IMMEDIATE");
  for (int i = 0; i < 40; ++i) db.exec("INSERT INTO t (v) VALUES (randomblob(2000))");  // spilled
  db.exec("UPDATE t SET v = randomblob(2000) WHERE id = 8");  // a spilled page, dirty again
  for (int i = 0; i < 10; ++i) db.exec("INSERT INTO t (v) VALUES (randomblob(2000))");  // spilled again: page 8's frame rewritten
  db.exec("COMMIT");
}

// A table of five rows, then 24-byte writes counted from now.
void five_rows_then_count_headers(SqliteDb& db) {
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  insert(db, 5);
  FailingWrites::counted_size = 24;
}

TEST_CASE("at NORMAL, a commit whose last rewritten checksum cannot be written fails, and nothing of it is kept") {
  // First the same transaction with nothing failing, to count its 24-byte writes.
  int headers = 0;
  {
    TempDb file{"gather"};
    FailingWrites counting;
    SqliteDb a(file.path, /*full_sync=*/false, 1000, false, /*gather_wal=*/true);
    five_rows_then_count_headers(a);
    commit_with_rewritten_checksums(a);
    headers = FailingWrites::counted;
    CHECK(count(a) == 55);
  }
  REQUIRE(headers >= 2);  // the rewritten frame's and at least the commit frame's
  TempDb file{"gather"};
  FailingWrites failing;
  SqliteDb a(file.path, /*full_sync=*/false, 1000, false, /*gather_wal=*/true);
  five_rows_then_count_headers(a);
  FailingWrites::fail_nth = headers;  // the commit frame's checksum, the last thing the commit writes
  bool acknowledged = true;
  try {
    commit_with_rewritten_checksums(a);
  } catch (const SqliteError&) {
    acknowledged = false;
  }
  CHECK_FALSE(acknowledged);
  CHECK(FailingWrites::counted == headers);
  FailingWrites::counted_size = 0;
  a.rollback_if_open();
  SqliteDb b(file.path, /*full_sync=*/false, 1000);
  CHECK(count(b) == 5);
  CHECK(one(b, "PRAGMA integrity_check") == "ok");
  insert(a, 1);  // and the writer goes on
  CHECK(count(b) == 6);
}

TEST_CASE("in exclusive locking mode nothing is gathered, and leaving it after a rollback keeps the database whole") {
  TempDb file{"gather"};
  SqliteDb a(file.path, /*full_sync=*/true, 1000);
  a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
  insert(a, 10);
  a.exec("PRAGMA locking_mode=EXCLUSIVE");  // the write lock is never let go through the wal-index
  insert(a, 1);
  a.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  a.exec("PRAGMA cache_size=20");
  a.exec("PRAGMA locking_mode=NORMAL");  // left at the end of the next transaction
  spill_and_roll_back(a);
  SqliteDb b(file.path, /*full_sync=*/false, 1000);
  commit_zeros(b);
  CHECK(one(a, "SELECT count(*) || ',' || sum(v = zeroblob(2000)) FROM t") == "51,40");
  SqliteDb c(file.path, /*full_sync=*/false, 1000);
  CHECK(one(c, "PRAGMA integrity_check") == "ok");
  CHECK(one(c, "SELECT count(*) || ',' || sum(v = zeroblob(2000)) FROM t") == "51,40");
}
