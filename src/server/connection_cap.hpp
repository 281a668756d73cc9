// How many connections a listener may hold open, in all and per client address: each listener
// has its own slice of the process's descriptors, so no listener (and no one client) can starve
// another. admit() returns a ticket the connection keeps, through a WebSocket upgrade too; the
// slot frees when the last copy of the ticket goes. Thread-safe.
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace rc {

class ConnectionCap {
 public:
  ConnectionCap(std::size_t total, std::size_t per_address) : total_(total), per_address_(per_address) {}
  // Null when the listener is full or this address already holds its share.
  std::shared_ptr<void> admit(const std::string& address);
  std::size_t held(const std::string& address) const;
  std::size_t held() const;

 private:
  std::size_t total_, per_address_;
  std::size_t open_total_ = 0;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> open_;
};

}  // namespace rc
