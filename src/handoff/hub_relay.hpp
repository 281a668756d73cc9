// Handoff news between instances that share a PostgreSQL database: a handoff asked for on one
// instance reaches the consoles on every other, and what a hub worker does on one reaches a
// practitioner connected to another. What this instance's hub passes on is written to
// hub_events with the writer (in a transaction of its own batch) and announced with
// NOTIFY rightconv_hub (payload: the row's id); a thread here LISTENs on its own connection
// and reads the rows of other instances from the table. After a lost connection it reads
// back what it missed (within kLateMs), so a missed notification loses nothing that is still
// news; the database stays the truth, and a console reads its queue from it on connect.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "handoff_hub.hpp"
#include "hub_events_store.hpp"
#include "store/database_target.hpp"
#include "store/group_commit_writer.hpp"

namespace rc::store {
class PgDb;
}

namespace rc::handoff {

class HubRelay {
 public:
  // `instance`: this process's name among the instances (OutboxWorker::instance()), on its
  // rows here and in practitioner_presence.
  HubRelay(store::GroupCommitWriter& writer, store::PostgresTarget target, HandoffHub& hub, std::string instance, std::function<Millis()> now);
  ~HubRelay();
  HubRelay(const HubRelay&) = delete;
  HubRelay& operator=(const HubRelay&) = delete;

  // Joins the hub to the others: sets its relay and starts listening. Call before serving.
  void start();
  void stop();
  const std::string& instance() const { return instance_; }
  // How many notices from other instances were handed to the hub (for tests and /metrics).
  std::uint64_t delivered() const { return delivered_.load(); }

 private:
  void send(const nlohmann::json& news, const std::string& conversation_id);
  void note_presence(const std::string& conversation_id, bool online);  // written as the hub has it then
  void warn_throttled(const char* what, const std::string& why);
  void run();
  bool connect();
  void read_news();                                         // the whole late window: after a reconnect, and now and then
  void read_announced(const std::vector<std::string>& ids);  // only the rows just announced
  void hand_on(std::vector<HubEventRow> rows);
  void forget_old(std::int64_t now_ms);
  bool sleep_unless_stopped(std::chrono::milliseconds pause);

  static constexpr std::int64_t kLateMs = 60'000;        // a row committed this late is still read
  static constexpr std::int64_t kKeepMs = 10 * 60'000;   // rows older are deleted
  // How often the whole window is read again even when announcements come: a safety net, and
  // while all is quiet a query that shows whether the connection still works.
  static constexpr auto kRescanEvery = std::chrono::seconds(10);
  std::chrono::steady_clock::time_point last_scan_{};
  std::mutex warn_mutex_;  // writer callbacks come from the writer's thread
  std::chrono::steady_clock::time_point last_warned_{};
  std::uint64_t unsaid_ = 0;
  store::GroupCommitWriter& writer_;
  store::PostgresTarget target_;
  HandoffHub& hub_;
  const std::string instance_;
  std::function<Millis()> now_;
  std::unique_ptr<store::PgDb> db_;             // the listening connection (the thread's own)
  std::map<std::int64_t, std::int64_t> seen_;   // row id -> its time, within the late window
  std::int64_t read_from_ = 0;                  // the database's clock (ms) at the last read, less kLateMs
  std::int64_t last_cleanup_ = 0;
  std::int64_t started_ms_ = 0;                 // the database's clock when this instance first listened
  std::atomic<std::uint64_t> delivered_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rc::handoff
