// Many ChatClients on one io_context run by a few threads: opens them at a bounded pace, lets
// the caller wait on the run's counters, then stops everything within a bounded time.
#pragma once
#include <boost/asio/executor_work_guard.hpp>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "chat_client.hpp"

namespace bench {

// "127.0.0.1:PORT" (or "[::1]:PORT"), for the Host header.
std::string host_header(const tcp::endpoint& server);
std::vector<Target> targets_of(const std::vector<tcp::endpoint>& servers);
Clock::duration to_duration(double seconds);
// How long opening `connections` may take before the bench goes on without the stragglers.
Clock::duration time_to_open(int connections);

class ClientPool {
 public:
  ClientPool(RunControl& run, ClientMode mode, int connections, int threads, int connect_concurrency);
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  // Opens every connection, at most `connect_concurrency` handshakes at a time, so the server's
  // listen backlog never overflows (an overflow costs a one-second SYN retry and skews timings).
  void open_all();
  // Polls `done` every few milliseconds until it holds or `limit` passes; returns whether it held.
  static bool wait_until(const std::function<bool()>& done, Clock::duration limit);
  int opened() const { return opened_.load(); }
  int failed_to_open() const { return failed_.load(); }
  bool all_tried() const { return opened() + failed_to_open() == static_cast<int>(clients_.size()); }

  // Asks every connection to finish, gives them `grace` to close cleanly, drops the rest, and
  // joins the threads. After this the statistics are safe to read.
  void stop(Clock::duration grace);
  // Every connection's statistics added together.
  ConnectionStats merged_stats() const;

 private:
  void launch_more();
  void each_client(const std::function<void(ChatClient&)>& f);

  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  net::strand<net::io_context::executor_type> pacer_;
  std::vector<ConnectionStats> stats_;  // one per connection, never resized
  std::vector<std::weak_ptr<ChatClient>> clients_;
  std::vector<std::shared_ptr<ChatClient>> not_yet_opened_;  // in launch order, reversed
  int connect_concurrency_;
  int in_flight_ = 0;  // on the pacer strand
  bool stopping_ = false;  // on the pacer strand
  std::atomic<int> opened_{0}, failed_{0};
  std::vector<std::thread> threads_;
};

}  // namespace bench
