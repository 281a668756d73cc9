// The guidance a server runs on now. A reload (SIGHUP) swaps a new, fully checked set in whole;
// a conversation keeps the set it began on until it ends, so nothing changes under it, and the
// old set is freed when its last conversation lets go.
#pragma once
#include <atomic>
#include <memory>

#include "guidance_set.hpp"

namespace rc {

class GuidanceSource {
 public:
  explicit GuidanceSource(std::shared_ptr<const GuidanceSet> first) : current_(std::move(first)) {}
  GuidanceSource(const GuidanceSource&) = delete;
  GuidanceSource& operator=(const GuidanceSource&) = delete;

  std::shared_ptr<const GuidanceSet> current() const { return current_.load(); }
  void replace(std::shared_ptr<const GuidanceSet> next) { current_.store(std::move(next)); }

 private:
  std::atomic<std::shared_ptr<const GuidanceSet>> current_;
};

}  // namespace rc
