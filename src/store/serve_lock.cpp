// See serve_lock.hpp.
#include "serve_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rc::store {

ServeLock::~ServeLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<ServeLock>> ServeLock::take(const std::string& db_path) {
  if (db_path.empty() || db_path == ":memory:") return std::unique_ptr<ServeLock>(new ServeLock(-1));
  const std::string path = db_path + ".serve-lock";
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
  return std::unique_ptr<ServeLock>(new ServeLock(fd));
}

}  // namespace rc::store
