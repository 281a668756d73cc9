// See daily_purge.hpp. The purge itself runs on the writer thread, like every other write.
#include "daily_purge.hpp"

#include <spdlog/spdlog.h>

#include "retention_purge.hpp"

namespace rc::staff {

DailyPurge::DailyPurge(store::GroupCommitWriter& writer, Retention retention, std::chrono::milliseconds first_run,
                       std::chrono::milliseconds interval)
    : writer_(writer), retention_(retention), thread_([this, first_run, interval] { run(first_run, interval); }) {}

DailyPurge::~DailyPurge() { stop(); }

void DailyPurge::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DailyPurge::run(std::chrono::milliseconds first_run, std::chrono::milliseconds interval) {
  auto wait = first_run;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
    }
    wait = interval;
    const Retention retention = retention_;
    writer_.submit(
        [retention](store::SqliteDb& db) {
          const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
          auto counts = purge(db, retention, now, false, "server:daily-purge");
          spdlog::info("retention purge: {}", counts.to_json().dump());
        },
        [](bool ok, const std::string& error) {
          if (!ok) spdlog::error("retention purge failed: {}", error);
        });
  }
}

}  // namespace rc::staff
