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

namespace rc::store {
namespace {

// The most one write may carry: the unix VFS writes at most 0x1ffff bytes per call (it masks the
// size to 17 bits, and a multiple of 128 KiB would come out as nothing written, SQLITE_FULL). So
// about 31 frames of 4 KiB pages a write; a larger commit is written in parts.
constexpr std::size_t kMaxGathered = 0x1ffff;

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs{};
std::atomic<std::uint64_t> g_writes{0}, g_flushes{0};

// Our file: the real one's memory follows it (szOsFile covers both).
struct GatherFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool gathers;      // a -wal file
  std::string* buf;  // the gathered bytes, for the file range [at, at + size)
  sqlite3_int64 at;
};

GatherFile* self(sqlite3_file* f) { return reinterpret_cast<GatherFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return self(f)->real; }

int flush(GatherFile* f) {
  if (!f->buf || f->buf->empty()) return SQLITE_OK;
  g_flushes.fetch_add(1, std::memory_order_relaxed);
  const int rc = f->real->pMethods->xWrite(f->real, f->buf->data(), static_cast<int>(f->buf->size()), f->at);
  f->buf->clear();  // written or failed, it is not written again: a failure fails the sync that follows
  return rc;
}

int x_close(sqlite3_file* file) {
  GatherFile* f = self(file);
  const int flushed = flush(f);
  delete f->buf;
  f->buf = nullptr;
  const int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  return flushed != SQLITE_OK ? flushed : rc;
}

int x_write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset) {
  GatherFile* f = self(file);
  if (!f->gathers) return f->real->pMethods->xWrite(f->real, data, n, offset);
  g_writes.fetch_add(1, std::memory_order_relaxed);
  const bool follows = f->buf->empty() || offset == f->at + static_cast<sqlite3_int64>(f->buf->size());
  if (!follows || f->buf->size() + static_cast<std::size_t>(n) > kMaxGathered)
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  if (static_cast<std::size_t>(n) > kMaxGathered) return f->real->pMethods->xWrite(f->real, data, n, offset);  // pages over 128 KiB
  if (f->buf->empty()) f->at = offset;
  try {
    f->buf->append(static_cast<const char*>(data), static_cast<std::size_t>(n));
  } catch (const std::bad_alloc&) {
    return SQLITE_IOERR_NOMEM;
  }
  return SQLITE_OK;
}

// Everything else looks at the file as it is: the gathered writes go first.
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
int x_lock(sqlite3_file* file, int lock) { return real(file)->pMethods->xLock(real(file), lock); }
int x_unlock(sqlite3_file* file, int lock) {
  if (const int rc = flush(self(file)); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xUnlock(real(file), lock);
}
int x_check_reserved(sqlite3_file* file, int* out) { return real(file)->pMethods->xCheckReservedLock(real(file), out); }
int x_file_control(sqlite3_file* file, int op, void* arg) {
  if (const int rc = flush(self(file)); rc != SQLITE_OK) return rc;
  return real(file)->pMethods->xFileControl(real(file), op, arg);
}
int x_sector_size(sqlite3_file* file) { return real(file)->pMethods->xSectorSize(real(file)); }
int x_device_characteristics(sqlite3_file* file) { return real(file)->pMethods->xDeviceCharacteristics(real(file)); }
int x_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return real(file)->pMethods->xShmMap(real(file), page, size, extend, out);
}
int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) { return real(file)->pMethods->xShmLock(real(file), offset, n, flags); }
void x_shm_barrier(sqlite3_file* file) { real(file)->pMethods->xShmBarrier(real(file)); }
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

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  GatherFile* f = self(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->gathers = false;
  f->buf = nullptr;
  f->at = 0;
  f->base.pMethods = nullptr;
  const int rc = g_real->xOpen(g_real, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || !f->real->pMethods) return rc;  // SQLite calls no method on a file whose pMethods is null
  // One table per real method table: the unix VFS has a few (locking styles); each gets its own.
  static std::mutex mutex;
  static std::vector<std::pair<const sqlite3_io_methods*, std::unique_ptr<sqlite3_io_methods>>> tables;
  {
    std::lock_guard lock(mutex);
    auto it = std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.first == f->real->pMethods; });
    if (it == tables.end()) it = tables.insert(tables.end(), {f->real->pMethods, std::make_unique<sqlite3_io_methods>(io_methods_for(*f->real->pMethods))});
    f->base.pMethods = it->second.get();
  }
  if (flags & SQLITE_OPEN_WAL) {
    f->gathers = true;
    f->buf = new (std::nothrow) std::string();
    if (!f->buf) {
      f->real->pMethods->xClose(f->real);
      f->base.pMethods = nullptr;
      return SQLITE_NOMEM;
    }
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
