// See wal_gather_vfs.hpp.
#include "wal_gather_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>
#include <memory>
#include <cstddef>
#include <unordered_map>

namespace rc::store {
namespace {

// The most one write may carry: the unix VFS writes at most 0x1ffff bytes per call (it masks the
// size to 17 bits, and a multiple of 128 KiB would come out as nothing written, SQLITE_FULL). So
// about 31 frames of 4 KiB pages a write; a larger commit is written in parts.
constexpr std::size_t kMaxGathered = 0x1ffff;

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs{};
std::atomic<std::uint64_t> g_writes{0}, g_flushes{0};

// SQLite's WAL_WRITE_LOCK: the first of the wal-index's locks (wal.c).
constexpr int kWalWriteLock = 0;

// Our file: the real one's memory follows it (szOsFile covers both).
struct GatherFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool gathers;        // a -wal file that gathers its writes
  std::string* buf;    // the gathered bytes, for the file range [at, at + size)
  sqlite3_int64 at;
  int failed;          // a write that failed: every later one fails too, until the write lock is let go
  GatherFile* linked;  // a database file's -wal file, and the -wal file's database file
  int lock;            // a database file's lock level (EXCLUSIVE only in exclusive locking mode, or closing)
  sqlite3_int64 commit_header_at;  // a -wal file: where the last frame header that ends a commit was written, or -1
  sqlite3_int64 end;   // a -wal file: how far this write lock's writes reached (rewrites fall below it)
};
static_assert(sizeof(GatherFile) % 8 == 0, "the real file that follows it must be aligned as SQLite aligns a file");

// The open database files by the name their pager gave xOpen: a -wal file's
// sqlite3_filename_database() is that same pointer, which is how the two are linked.
std::mutex g_databases_mutex;
std::unordered_map<const char*, GatherFile*> g_databases;

GatherFile* self(sqlite3_file* f) { return reinterpret_cast<GatherFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return self(f)->real; }

// Writes what is gathered. A failure is IOERR_WRITE, which rolls back the whole transaction
// (SQLITE_FULL from a read would roll back one statement, and a later COMMIT would then write a
// transaction missing the frames that were lost), and it sticks until the write lock is let go.
int flush(GatherFile* f) {
  if (f->failed) return f->failed;
  if (!f->buf || f->buf->empty()) return SQLITE_OK;
  g_flushes.fetch_add(1, std::memory_order_relaxed);
  const int rc = f->real->pMethods->xWrite(f->real, f->buf->data(), static_cast<int>(f->buf->size()), f->at);
  f->buf->clear();
  if (rc != SQLITE_OK) f->failed = SQLITE_IOERR_WRITE;
  return f->failed;
}

void unlink_files(GatherFile* f) {
  std::lock_guard lock(g_databases_mutex);
  if (f->linked) f->linked->linked = nullptr;
  f->linked = nullptr;
  for (auto it = g_databases.begin(); it != g_databases.end(); ++it)
    if (it->second == f) {
      g_databases.erase(it);
      break;
    }
}

// What is still gathered at close was never committed (a commit's last frame, and letting go
// of the write lock, write it first): it is dropped, never written over frames another
// connection may have committed since.
int x_close(sqlite3_file* file) {
  GatherFile* f = self(file);
  unlink_files(f);
  delete f->buf;
  f->buf = nullptr;
  return f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
}

// A WAL frame header is 24 bytes; bytes 4-7 (the database size after a commit) are not zero
// only in the last frame of a commit.
constexpr int kFrameHeader = 24;
bool ends_commit(const void* header, int n) {
  const auto* b = static_cast<const unsigned char*>(header);
  return n == kFrameHeader && (b[4] | b[5] | b[6] | b[7]) != 0;
}

int x_write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset) {
  GatherFile* f = self(file);
  // In exclusive locking mode SQLite never lets go of the write lock through the wal-index, so
  // nothing is gathered there: every write goes straight to the file, as without this VFS.
  if (!f->gathers || (f->linked && f->linked->lock >= SQLITE_LOCK_EXCLUSIVE)) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xWrite(f->real, data, n, offset);
  }
  if (f->failed) return f->failed;
  // A write back inside the log (a frame's page written again in place, then the checksums of
  // the frames from there rewritten at the commit) goes straight to the file, its failure this
  // write's: gathered, the last header would wait for the barrier that publishes the commit,
  // which cannot fail it, and a commit without a sync would be acknowledged unwritten.
  const bool continues = !f->buf->empty() && offset == f->at + static_cast<sqlite3_int64>(f->buf->size());
  if (offset < f->end && !continues) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    const int rc = f->real->pMethods->xWrite(f->real, data, n, offset);
    if (rc != SQLITE_OK) f->failed = SQLITE_IOERR_WRITE;
    return rc == SQLITE_OK ? SQLITE_OK : f->failed;
  }
  f->end = std::max(f->end, offset + n);
  g_writes.fetch_add(1, std::memory_order_relaxed);
  // The page after a commit's last frame header completes the commit: everything gathered is
  // written then, and a failure is this write's, so SQLite fails the commit whatever the
  // synchronous level (with FULL the sync would come next anyway).
  const bool completes_commit = f->commit_header_at >= 0 && offset == f->commit_header_at + kFrameHeader;
  f->commit_header_at = ends_commit(data, n) ? offset : -1;
  const bool follows = f->buf->empty() || continues;
  if (!follows || f->buf->size() + static_cast<std::size_t>(n) > kMaxGathered)
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  if (static_cast<std::size_t>(n) > kMaxGathered) return f->real->pMethods->xWrite(f->real, data, n, offset);  // pages over 128 KiB
  if (f->buf->empty()) f->at = offset;
  try {
    f->buf->append(static_cast<const char*>(data), static_cast<std::size_t>(n));
  } catch (const std::bad_alloc&) {
    return SQLITE_IOERR_NOMEM;
  }
  return completes_commit ? flush(f) : SQLITE_OK;
}

// Whatever looks at the -wal file sees it as SQLite wrote it: the gathered writes go first.
int x_read(sqlite3_file* file, void* data, int n, sqlite3_int64 offset) {
  if (const int rc = flush(self(file)); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xRead(real(file), data, n, offset);
}
int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int rc = flush(self(file)); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xTruncate(real(file), size);
}
int x_sync(sqlite3_file* file, int flags) {
  if (const int rc = flush(self(file)); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xSync(real(file), flags);
}
int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  if (const int rc = flush(self(file)); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xFileSize(real(file), size);
}
// The database file's locks. Before an EXCLUSIVE lock (exclusive locking mode) the -wal file's
// gathered writes go out; before any unlock too, and a failure is forgotten, as at the write
// lock's release: in exclusive mode that release never reaches the wal-index.
int x_lock(sqlite3_file* file, int lock) {
  GatherFile* f = self(file);
  if (f->linked && lock >= SQLITE_LOCK_EXCLUSIVE)
    if (const int rc = flush(f->linked); rc != SQLITE_OK) return rc;
  const int rc = f->real->pMethods->xLock(f->real, lock);
  if (rc == SQLITE_OK) f->lock = lock;
  return rc;
}
int x_unlock(sqlite3_file* file, int lock) {
  GatherFile* f = self(file);
  if (GatherFile* wal = f->linked) {
    flush(wal);
    wal->failed = 0;
    wal->end = 0;
  }
  const int rc = f->real->pMethods->xUnlock(f->real, lock);
  if (rc == SQLITE_OK) f->lock = lock;
  return rc;
}
int x_check_reserved(sqlite3_file* file, int* out) { return real(file)->pMethods->xCheckReservedLock(real(file), out); }
int x_file_control(sqlite3_file* file, int op, void* arg) { return real(file)->pMethods->xFileControl(real(file), op, arg); }
int x_sector_size(sqlite3_file* file) { return real(file)->pMethods->xSectorSize(real(file)); }
int x_device_characteristics(sqlite3_file* file) { return real(file)->pMethods->xDeviceCharacteristics(real(file)); }
int x_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return real(file)->pMethods->xShmMap(real(file), page, size, extend, out);
}
// On the database file, whose wal-index the -wal file's frames are published through.
// Letting go of the write lock: what is gathered (frames of a transaction rolled back) is written
// first, as SQLite would have written it, while no other connection can write the log.
int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  if (GatherFile* wal = self(file)->linked; wal && offset == kWalWriteLock && (flags & SQLITE_SHM_UNLOCK) && (flags & SQLITE_SHM_EXCLUSIVE)) {
    flush(wal);  // a failure here loses only frames no commit holds
    wal->failed = 0;
    wal->end = 0;  // the next writer appends from the last commit; only its own frames are rewritten
  }
  return real(file)->pMethods->xShmLock(real(file), offset, n, flags);
}
// SQLite calls the barrier between writing the two copies of the wal-index header that publish
// new frames: whatever is gathered reaches the file before any reader can see it, whatever the
// synchronous level (with FULL the commit's sync has written it already).
void x_shm_barrier(sqlite3_file* file) {
  if (GatherFile* wal = self(file)->linked) flush(wal);
  real(file)->pMethods->xShmBarrier(real(file));
}
int x_shm_unmap(sqlite3_file* file, int del) { return real(file)->pMethods->xShmUnmap(real(file), del); }
int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int n, void** out) {
  if (const int rc = flush(self(file)); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xFetch(real(file), offset, n, out);
}
int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* p) { return real(file)->pMethods->xUnfetch(real(file), offset, p); }

// The methods our file offers are those of the real file, version for version.
sqlite3_io_methods io_methods_for(const sqlite3_io_methods& r) {
  sqlite3_io_methods m{};
  m.iVersion = r.iVersion;
  m.xClose = x_close;
  m.xRead = x_read;
  m.xWrite = x_write;
  m.xTruncate = x_truncate;
  m.xSync = x_sync;
  m.xFileSize = x_file_size;
  m.xLock = x_lock;
  m.xUnlock = x_unlock;
  m.xCheckReservedLock = x_check_reserved;
  m.xFileControl = x_file_control;
  m.xSectorSize = x_sector_size;
  m.xDeviceCharacteristics = x_device_characteristics;
  if (r.iVersion >= 2) {
    m.xShmMap = x_shm_map;
    m.xShmLock = x_shm_lock;
    m.xShmBarrier = x_shm_barrier;
    m.xShmUnmap = x_shm_unmap;
  }
  if (r.iVersion >= 3) {
    m.xFetch = x_fetch;
    m.xUnfetch = x_unfetch;
  }
  return m;
}

const sqlite3_io_methods* methods_for(const sqlite3_io_methods* real_methods) {
  // One table per real method table: the unix VFS has a few (locking styles); each gets its own.
  static std::mutex mutex;
  static std::vector<std::pair<const sqlite3_io_methods*, std::unique_ptr<sqlite3_io_methods>>> tables;
  std::lock_guard lock(mutex);
  auto it = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.first == real_methods; });
  if (it == tables.end()) it = tables.insert(tables.end(), {real_methods, std::make_unique<sqlite3_io_methods>(io_methods_for(*real_methods))});
  return it->second.get();
}

// A -wal file gathers when its database file is open through this VFS (to publish through) and
// does not ask for padding to sector boundaries (psow=0: SQLite then writes a frame's tail after
// the sync), so every flush point above holds.
void link_wal(GatherFile* wal, sqlite3_filename name) {
  std::lock_guard lock(g_databases_mutex);
  const auto it = g_databases.find(sqlite3_filename_database(name));
  if (it == g_databases.end()) return;
  GatherFile* db = it->second;
  const int characteristics = db->real->pMethods->xDeviceCharacteristics(db->real);
  if (!(characteristics & SQLITE_IOCAP_POWERSAFE_OVERWRITE)) return;
  wal->linked = db;
  db->linked = wal;
  wal->gathers = true;
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  GatherFile* f = self(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->gathers = false;
  f->buf = nullptr;
  f->at = 0;
  f->failed = 0;
  f->linked = nullptr;
  f->lock = SQLITE_LOCK_NONE;
  f->commit_header_at = -1;
  f->end = 0;
  f->base.pMethods = nullptr;
  f->real->pMethods = nullptr;
  const int rc = g_real->xOpen(g_real, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);  // SQLite will not close a file whose open failed
    return rc;
  }
  if (!f->real->pMethods) return SQLITE_CANTOPEN;
  // Nothing may throw back into SQLite's C frames.
  try {
    f->base.pMethods = methods_for(f->real->pMethods);
    if ((flags & SQLITE_OPEN_MAIN_DB) && name) {
      std::lock_guard lock(g_databases_mutex);
      g_databases[name] = f;
    }
    if ((flags & SQLITE_OPEN_WAL) && name) {
      link_wal(f, name);
      if (f->gathers) f->buf = new std::string();
    }
  } catch (...) {
    unlink_files(f);
    f->base.pMethods = nullptr;
    f->real->pMethods->xClose(f->real);
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

}  // namespace

const char* wal_gather_vfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    if (!g_real) throw std::runtime_error("SQLite has no default VFS");
    g_vfs = *g_real;  // the same limits and, for everything but files, the same functions
    g_vfs.zName = "rightconv-wal-gather";
    g_vfs.szOsFile = static_cast<int>(sizeof(GatherFile)) + g_real->szOsFile;
    g_vfs.pNext = nullptr;
    g_vfs.xOpen = x_open;
    // The real VFS's own functions may read their own sqlite3_vfs (its pAppData): pass it theirs.
    g_vfs.xDelete = [](sqlite3_vfs*, const char* name, int sync) { return g_real->xDelete(g_real, name, sync); };
    g_vfs.xAccess = [](sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); };
    g_vfs.xFullPathname = [](sqlite3_vfs*, const char* name, int n, char* out) { return g_real->xFullPathname(g_real, name, n, out); };
    g_vfs.xDlOpen = [](sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); };
    g_vfs.xDlError = [](sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); };
    g_vfs.xDlSym = [](sqlite3_vfs*, void* h, const char* sym) { return g_real->xDlSym(g_real, h, sym); };
    g_vfs.xDlClose = [](sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); };
    g_vfs.xRandomness = [](sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); };
    g_vfs.xSleep = [](sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); };
    g_vfs.xCurrentTime = [](sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); };
    g_vfs.xGetLastError = [](sqlite3_vfs*, int n, char* out) { return g_real->xGetLastError(g_real, n, out); };
    if (g_real->iVersion >= 2 && g_real->xCurrentTimeInt64)
      g_vfs.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* out) { return g_real->xCurrentTimeInt64(g_real, out); };
    if (g_real->iVersion >= 3) {
      g_vfs.xSetSystemCall = [](sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) { return g_real->xSetSystemCall(g_real, name, p); };
      g_vfs.xGetSystemCall = [](sqlite3_vfs*, const char* name) { return g_real->xGetSystemCall(g_real, name); };
      g_vfs.xNextSystemCall = [](sqlite3_vfs*, const char* name) { return g_real->xNextSystemCall(g_real, name); };
    }
    if (const int rc = sqlite3_vfs_register(&g_vfs, 0); rc != SQLITE_OK) throw std::runtime_error(std::string("registering the WAL-gathering VFS: ") + sqlite3_errstr(rc));
  });
  return g_vfs.zName;
}

WalGatherStats wal_gather_stats() { return {g_writes.load(std::memory_order_relaxed), g_flushes.load(std::memory_order_relaxed)}; }

}  // namespace rc::store
