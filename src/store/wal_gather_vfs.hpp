// An SQLite VFS that gathers the writes of a commit to its write-ahead log into one write.
// SQLite writes each WAL frame as two pwrite calls (its 24-byte header, then the page), so a
// group commit of a few turns made dozens of system calls before its one fdatasync; a shim
// over the "unix" VFS keeps consecutive writes to a -wal file in memory and writes them at
// once, before anything that could look at the file: the sync, a read, a truncate, a size
// query, a close. Nothing is acknowledged sooner or later than before: SQLite reports a commit
// only after the sync, and the sync writes first. Only for synchronous=FULL: with NORMAL a
// commit makes its frames visible to readers without a sync, so they must reach the file at once.
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
