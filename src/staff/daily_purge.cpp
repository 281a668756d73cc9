// See daily_purge.hpp. The purge itself runs on the writer thread, like every other write.
#include "daily_purge.hpp"

#include <spdlog/spdlog.h>

#include "retention_store.hpp"
#include "store/audit_log.hpp"

namespace rc::staff {

DailyPurge::DailyPurge(store::GroupCommitWriter& writer, Retention retention, std::function<std::int64_t()> now,
                       std::chrono::milliseconds first_run, std::chrono::milliseconds interval)
    : writer_(writer), retention_(retention), now_(std::move(now)), thread_([this, first_run, interval] { run(first_run, interval); }) {}

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
    writer_.submit_and_truncate(
        [retention, now = now_()](store::Db& db) {
          // Instances sharing a PostgreSQL database take turns: one purges, the others skip this round.
          if (!take_purge_turn(db, /*wait=*/false)) return spdlog::info("retention purge: another instance is running it");
          auto counts = purge(db, retention, now, false, "server:daily-purge");
          const auto head = audit_head(db);
          // The audit head, outside the table: `rightconv audit verify --anchor` checks against it.
          spdlog::info("retention purge: {}; audit head {}:{}", counts.to_json().dump(), head.id, head.hash);
        },
        [](const store::WriteResult& result) {
          if (!result.ok()) spdlog::error("retention purge failed: {}", result.message);
        });
  }
}

}  // namespace rc::staff
