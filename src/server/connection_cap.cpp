// See connection_cap.hpp.
#include "connection_cap.hpp"

namespace rc {

std::shared_ptr<void> ConnectionCap::admit(const std::string& address) {
  {
    std::lock_guard lock(mutex_);
    if (open_total_ >= total_) return nullptr;
    auto& n = open_[address];
    if (n >= per_address_) return nullptr;
    ++n;
    ++open_total_;
  }
  // The ticket's deleter gives the slot back; `this` outlives every session (the server owns both).
  return std::shared_ptr<void>(reinterpret_cast<void*>(1), [this, address](void*) {
    std::lock_guard lock(mutex_);
    --open_total_;
    auto it = open_.find(address);
    if (it != open_.end() && --it->second == 0) open_.erase(it);
  });
}

std::size_t ConnectionCap::held(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

std::size_t ConnectionCap::held() const {
  std::lock_guard lock(mutex_);
  return open_total_;
}

}  // namespace rc
