// Runs the retention purge in the server: shortly after start, then once a day.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "retention.hpp"
#include "store/group_commit_writer.hpp"

namespace rc::staff {

class DailyPurge {
 public:
  DailyPurge(store::GroupCommitWriter& writer, Retention retention, std::function<std::int64_t()> now, std::chrono::milliseconds first_run = std::chrono::minutes(1),
             std::chrono::milliseconds interval = std::chrono::hours(24));
  ~DailyPurge();
  void stop();

 private:
  void run(std::chrono::milliseconds first_run, std::chrono::milliseconds interval);
  store::GroupCommitWriter& writer_;
  Retention retention_;
  std::function<std::int64_t()> now_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rc::staff
