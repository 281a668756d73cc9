// Delivers the outbox: a few threads take due events (the oldest pending one per connector
// and conversation), call the connector, and record what the peer said. A row is marked
// delivered only after the peer acknowledged it; retries back off with jitter; after the
// connector's retry window the event fails and an alert is logged. Survives restarts: the
// outbox is the database.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "connector.hpp"
#include "connector_settings.hpp"
#include "outbox_store.hpp"
#include "metrics/metrics.hpp"
#include "store/group_commit_writer.hpp"

namespace rc::handoff {

struct ConnectorSlot {
  std::unique_ptr<Connector> connector;
  RetryPolicy retry;
  std::string type;  // "console", "webhook", "email"...
};
using ConnectorSet = std::map<std::string, ConnectorSlot>;

class OutboxWorker {
 public:
  OutboxWorker(store::GroupCommitWriter& writer, ConnectorSet& connectors, int threads, double poll_seconds, std::function<Millis()> now,
               Metrics* metrics);
  ~OutboxWorker();

  // `store_held_alone`: this process is the only one using the store (an SQLite file under
  // serve_lock), so claims left by an earlier process are released before the first delivery.
  void start(bool store_held_alone);
  // This process's name among instances sharing the store (instances.id, on its claims).
  const std::string& instance() const { return self_; }
  // Sharing the store: an instance silent this long has died (kill -9, a lost machine).
  static constexpr Millis kSilentMs = 15000;
  // Finishes the deliveries in progress (each bounded by its connector's timeout), then stops.
  void stop();
  // New events were committed: look now rather than at the next poll.
  void wake();

 private:
  void run();
  bool deliver_one();  // false when nothing was due
  std::vector<OutboxEntry> fetch_due();
  // Takes the event for this attempt (outbox_store claim_event); false if another worker has it.
  bool claim(const OutboxEntry& entry);
  void finish(const OutboxEntry& entry, const Delivery& result);
  // How long a claimed event is held: longer than any connector's own timeout.
  static constexpr Millis kLeaseMs = 5 * 60 * 1000;
  // Sharing the store: say this instance is alive this often, and take back the claims of one
  // silent for kSilentMs.
  static constexpr Millis kAliveEveryMs = 2000;
  void keep_alive();

  store::GroupCommitWriter& writer_;
  ConnectorSet& connectors_;
  int threads_count_;
  double poll_seconds_;
  std::function<Millis()> now_;
  Metrics* metrics_;
  const std::string self_;  // this process's name on its claims
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t wakes_ = 0;
  std::set<std::string> busy_;  // "<connector>\n<conversation>" being delivered now: keeps each conversation in order
  std::vector<std::thread> threads_;
};

}  // namespace rc::handoff
