// See outbox_worker.hpp.
#include "outbox_worker.hpp"

#include <spdlog/spdlog.h>

#include <future>
#include <random>

#include "outbox_store.hpp"
#include "store/ids.hpp"

namespace rc::handoff {

namespace {

std::string lane_of(const OutboundEvent& e) { return e.connector + "\n" + e.conversation_id; }

double random_jitter() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Runs a job on the writer thread and waits for its commit.
bool write_and_wait(store::GroupCommitWriter& writer, std::function<void(store::Db&)> work) {
  std::promise<bool> done;
  auto f = done.get_future();
  writer.submit(std::move(work), [&done](const store::WriteResult& written) {
        const bool ok = written.ok(); done.set_value(ok); });
  return f.get();
}

}  // namespace

OutboxWorker::OutboxWorker(store::GroupCommitWriter& writer, ConnectorSet& connectors, int threads, double poll_seconds,
                           std::function<Millis()> now, Metrics* metrics)
    : writer_(writer), connectors_(connectors), threads_count_(threads), poll_seconds_(poll_seconds), now_(std::move(now)), metrics_(metrics), self_(rc::random_token()) {}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start(bool store_held_alone) {
  if (store_held_alone) {
    auto released = std::make_shared<std::int64_t>(0);
    const Millis now = now_();
    if (write_and_wait(writer_, [released, now, self = self_](store::Db& db) { *released = release_dead_claims(db, self, now); }) &&
        *released > 0)
      spdlog::warn("outbox: {} event(s) were being delivered when the last server stopped; they will be sent again now", *released);
  }
  // Sharing the store: a thread of its own says this instance is alive, whatever the
  // delivery threads are waiting for (a peer that takes its whole timeout).
  if (!store_held_alone) threads_.emplace_back([this] { keep_alive(); });
  for (int i = 0; i < threads_count_; ++i) threads_.emplace_back([this] { run(); });
}

void OutboxWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void OutboxWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

void OutboxWorker::run() {
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      seen = wakes_;
    }
    if (deliver_one()) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::duration<double>(poll_seconds_), [&] { return stopping_ || wakes_ != seen; });
  }
}

std::vector<OutboxEntry> OutboxWorker::fetch_due() {
  auto due = std::make_shared<std::vector<OutboxEntry>>();
  auto pending = std::make_shared<std::int64_t>(-1);
  const Millis now = now_();
  if (!write_and_wait(writer_, [due, pending, now](store::Db& db) {
        *due = due_events(db, now, 64);
        *pending = pending_count(db);
      }))
    return {};
  if (metrics_) metrics_->outbox_pending = *pending;
  return std::move(*due);
}

bool OutboxWorker::deliver_one() {
  std::optional<OutboxEntry> mine;
  for (auto& e : fetch_due()) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    if (!busy_.insert(lane_of(e.event)).second) continue;  // another thread has this conversation's lane
    mine = std::move(e);
    break;
  }
  if (!mine) return false;
  // The list may be stale: another worker may have sent this event since it was read.
  if (!claim(*mine)) {
    std::lock_guard lock(mutex_);
    busy_.erase(lane_of(mine->event));
    return true;  // look again
  }
  Delivery result;
  auto slot = connectors_.find(mine->event.connector);
  if (slot == connectors_.end()) {
    result = {DeliveryStatus::retry, "no connector called \"" + mine->event.connector + "\" is configured now", std::nullopt};
  } else {
    try {
      result = slot->second.connector->deliver(mine->event);
    } catch (const std::exception& e) {  // a connector bug must not kill the worker
      result = {DeliveryStatus::retry, std::string("connector error: ") + e.what(), std::nullopt};
    }
  }
  finish(*mine, result);
  std::lock_guard lock(mutex_);
  busy_.erase(lane_of(mine->event));
  return true;
}

void OutboxWorker::keep_alive() {
  for (;;) {
    const Millis now = now_();
    auto released = std::make_shared<std::int64_t>(0);
    if (write_and_wait(writer_, [this, now, released](store::Db& db) {
          note_alive(db, self_, now);
          *released = release_claims_of_silent(db, self_, now, now - kSilentMs);
        }) &&
        *released > 0) {
      spdlog::warn("outbox: {} event(s) were claimed by an instance that has fallen silent; they will be sent again now", *released);
      wake();
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(kAliveEveryMs), [this] { return stopping_; })) return;
  }
}

bool OutboxWorker::claim(const OutboxEntry& entry) {
  auto claimed = std::make_shared<bool>(false);
  const Millis now = now_();
  const Millis lease_until = now + kLeaseMs;
  if (!write_and_wait(writer_, [&entry, claimed, now, lease_until, this](store::Db& db) { *claimed = claim_event(db, entry, now, lease_until, self_); }))
    return false;
  return *claimed;
}

void OutboxWorker::finish(const OutboxEntry& entry, const Delivery& result) {
  auto slot = connectors_.find(entry.event.connector);
  const RetryPolicy policy = slot == connectors_.end() ? RetryPolicy{} : slot->second.retry;
  auto status = std::make_shared<OutboxStatus>(OutboxStatus::pending);
  const Millis now = now_();
  const double jitter = random_jitter();
  if (!write_and_wait(writer_, [&entry, &result, policy, now, jitter, status](store::Db& db) {
        *status = record_attempt(db, entry, result, policy, now, jitter);
      })) {
    // Not recorded: the event stays pending and is delivered again (the peer dedups by event id).
    spdlog::error("outbox: could not record the result of event {} ({}); it will be tried again", entry.event.event_id, entry.event.connector);
    return;
  }
  const auto& e = entry.event;
  if (*status == OutboxStatus::delivered) {
    if (metrics_) metrics_->outbox_delivered++;
    spdlog::info("outbox: {} {} for {} delivered by {} (attempt {})", e.event_id, e.kind, e.reference, e.connector, e.attempt);
  } else if (*status == OutboxStatus::failed) {
    if (metrics_) metrics_->outbox_failed++;
    if (result.status == DeliveryStatus::gone)
      spdlog::error("ALERT outbox: connector {} was disabled: the peer answered gone ({}); event {} for {} failed. "
                    "Fix the peer, then: rightconv outbox retry --connector {}", e.connector, result.detail, e.event_id, e.reference, e.connector);
    else
      spdlog::error("ALERT outbox: gave up on event {} ({} for {}) via {} after {} attempts: {}", e.event_id, e.kind, e.reference, e.connector,
                    e.attempt, result.detail);
  } else {
    if (metrics_) metrics_->outbox_retries++;
    spdlog::warn("outbox: {} {} for {} via {} not delivered (attempt {}): {}; will retry", e.event_id, e.kind, e.reference, e.connector, e.attempt,
                 result.detail);
  }
}

}  // namespace rc::handoff
