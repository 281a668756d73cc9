// Makes SQLite's writes fail (ENOSPC) while `armed`, through the unix VFS's own system call
// hook: every pwrite of every connection in the process, until the struct goes out of scope.
#pragma once
#include <sqlite3.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>

struct FailingWrites {
  using Pwrite = ssize_t (*)(int, const void*, size_t, off_t);
  static inline bool armed = false;
  // Besides: writes of exactly `counted_size` bytes are counted, and the `fail_nth` of them (from
  // 1; 0: none) fails, armed or not.
  static inline size_t counted_size = 0;
  static inline int counted = 0, fail_nth = 0;
  static inline sqlite3_syscall_ptr real_pwrite = nullptr, real_pwrite64 = nullptr;
  static ssize_t fake(Pwrite real, int fd, const void* b, size_t n, off_t o) {
    const bool nth = counted_size != 0 && n == counted_size && ++counted == fail_nth;
    if (armed || nth) {
      errno = ENOSPC;
      return -1;
    }
    return real(fd, b, n, o);
  }
  static ssize_t fake_pwrite(int fd, const void* b, size_t n, off_t o) { return fake(reinterpret_cast<Pwrite>(real_pwrite), fd, b, n, o); }
  static ssize_t fake_pwrite64(int fd, const void* b, size_t n, off_t o) { return fake(reinterpret_cast<Pwrite>(real_pwrite64), fd, b, n, o); }
  sqlite3_vfs* unix_vfs = sqlite3_vfs_find("unix");
  FailingWrites() {
    real_pwrite = unix_vfs->xGetSystemCall(unix_vfs, "pwrite");
    real_pwrite64 = unix_vfs->xGetSystemCall(unix_vfs, "pwrite64");
    if (real_pwrite) unix_vfs->xSetSystemCall(unix_vfs, "pwrite", reinterpret_cast<sqlite3_syscall_ptr>(&fake_pwrite));
    if (real_pwrite64) unix_vfs->xSetSystemCall(unix_vfs, "pwrite64", reinterpret_cast<sqlite3_syscall_ptr>(&fake_pwrite64));
  }
  ~FailingWrites() {
    armed = false;
    counted_size = 0;
    counted = fail_nth = 0;
    unix_vfs->xSetSystemCall(unix_vfs, nullptr, nullptr);  // every system call back to its default
  }
};
