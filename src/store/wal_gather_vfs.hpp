// An SQLite VFS that gathers the writes of a commit to its write-ahead log into one write.
// SQLite writes each WAL frame as two pwrite calls (its 24-byte header, then the page), so a
// group commit of a few turns made dozens of system calls before its one fdatasync; a shim
// over the "unix" VFS keeps consecutive writes to a -wal file in memory and writes them at
// once, before anything could look at them:
//   - the write of a commit's last frame (a failure fails the commit, at any synchronous level),
//     before the sync, so nothing is acknowledged sooner;
//   - a read, a truncate or a size query of the file by the same connection;
//   - the wal-index barrier, between the two header copies that publish new frames to other
//     connections (so with synchronous=NORMAL, or any commit without a sync, readers never see
//     frames that are not in the file);
//   - letting go of the write lock (frames of a rolled-back transaction are written as SQLite
//     would have written them, never later over another connection's commit).
// Only appends are gathered: a write back inside what this write lock has written (a spilled
// frame's page written again in place, the checksums SQLite then rewrites at the commit) goes
// straight to the file, so its failure is that write's, never left for the barrier, which
// cannot fail a commit. A write that fails fails every later one until the write lock is let
// go (IOERR_WRITE: the whole transaction rolls back). A -wal file gathers only when its
// database file is open through this VFS and writes whole sectors (no psow=0), and not while
// the database file holds an EXCLUSIVE lock (exclusive locking mode, where the write lock is
// never let go through the wal-index). SqliteDb's writer uses it at either synchronous level.
#pragma once
#include <cstdint>

namespace rc::store {

// Registers the VFS (once) and returns its name, for sqlite3_open_v2.
const char* wal_gather_vfs();

// Process-wide counts, for tests and the benchmark.
struct WalGatherStats {
  std::uint64_t writes = 0;   // WAL writes SQLite asked for
  std::uint64_t flushes = 0;  // writes made to the file
};
WalGatherStats wal_gather_stats();

}  // namespace rc::store
