// The guidance a server runs on now. A reload (SIGHUP) swaps a new, fully checked set in whole.
// A conversation keeps the set it began on while its dialog differs from the new one (so nothing
// changes under it), and the last few retired sets stay findable by dialog version, so a chat
// resumed or a phone call carried on after a reload goes on as it began.
#pragma once
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "guidance_set.hpp"

namespace rc {

class GuidanceSource {
 public:
  static constexpr std::size_t kRetiredKept = 4;

  explicit GuidanceSource(std::shared_ptr<const GuidanceSet> first) : current_(std::move(first)) {}
  GuidanceSource(const GuidanceSource&) = delete;
  GuidanceSource& operator=(const GuidanceSource&) = delete;

  std::shared_ptr<const GuidanceSet> current() const { return current_.load(); }

  void replace(std::shared_ptr<const GuidanceSet> next) {
    std::lock_guard lock(mutex_);
    retired_.push_front(current_.exchange(std::move(next)));
    if (retired_.size() > kRetiredKept) retired_.pop_back();
  }

  // The newest set holding `dialog_id` at `version` (a dialog's content hash): the current one,
  // else a retired one; null when none does (the conversation must start again).
  std::shared_ptr<const GuidanceSet> holding(const std::string& dialog_id, const std::string& version) const {
    auto has = [&](const std::shared_ptr<const GuidanceSet>& set) {
      const Dialog* d = set ? set->find(dialog_id) : nullptr;
      return d && d->content_hash == version;
    };
    if (auto now = current(); has(now)) return now;
    std::lock_guard lock(mutex_);
    for (const auto& set : retired_)
      if (has(set)) return set;
    return nullptr;
  }

 private:
  std::atomic<std::shared_ptr<const GuidanceSet>> current_;
  mutable std::mutex mutex_;  // guards retired_
  std::deque<std::shared_ptr<const GuidanceSet>> retired_;
};

}  // namespace rc
