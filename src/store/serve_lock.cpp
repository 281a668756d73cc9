// See serve_lock.hpp.
#include "serve_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace rc::store {

ServeLock::~ServeLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<ServeLock>> ServeLock::take(const std::string& db_path) {
  if (db_path.empty() || db_path == ":memory:") return std::unique_ptr<ServeLock>(new ServeLock(-1));
  // One lock per file, however it is named: a symlink or another relative path finds the same.
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(db_path, ec);
  const std::string path = (ec ? db_path : canonical.string()) + ".serve-lock";
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return make_error("cannot open " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      ::close(fd);
      if (e == EWOULDBLOCK)
        return make_error("another rightconv server is using " + db_path + " (it holds " + path +
                          "); one database file serves one server: stop the other, or give this one its own --db");
      return make_error("cannot lock " + path + ": " + std::strerror(e));
    }
    // The lock is on the file this descriptor opened: if the name now points elsewhere (it was
    // deleted and made again meanwhile), lock the file the name points to instead.
    struct stat held {}, named {};
    if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino && held.st_dev == named.st_dev)
      return std::unique_ptr<ServeLock>(new ServeLock(fd));
    ::close(fd);
  }
  return make_error("cannot lock " + path + ": it keeps being replaced");
}

}  // namespace rc::store
