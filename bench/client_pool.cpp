// See client_pool.hpp.
#include "client_pool.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace bench {

std::string host_header(const tcp::endpoint& server) {
  const auto address = server.address().to_string();
  const auto port = std::to_string(server.port());
  return server.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

std::vector<Target> targets_of(const std::vector<tcp::endpoint>& servers) {
  std::vector<Target> out;
  for (const auto& s : servers) out.push_back({s, host_header(s)});
  return out;
}

Clock::duration to_duration(double seconds) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

Clock::duration time_to_open(int connections) { return std::chrono::seconds(30) + std::chrono::milliseconds(10) * connections; }

ClientPool::ClientPool(RunControl& run, ClientMode mode, int connections, int threads, int connect_concurrency)
    : ioc_(threads), work_(net::make_work_guard(ioc_)), pacer_(net::make_strand(ioc_)), stats_(connections),
      connect_concurrency_(connect_concurrency) {
  for (int i = 0; i < connections; ++i) {
    auto client = std::make_shared<ChatClient>(ioc_, run, run.targets[i % run.targets.size()], mode, stats_[i]);
    clients_.push_back(client);
    not_yet_opened_.push_back(std::move(client));
  }
  std::reverse(not_yet_opened_.begin(), not_yet_opened_.end());
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

ClientPool::~ClientPool() { stop(std::chrono::seconds(2)); }

void ClientPool::open_all() { net::post(pacer_, [this] { launch_more(); }); }

void ClientPool::launch_more() {
  while (!stopping_ && in_flight_ < connect_concurrency_ && !not_yet_opened_.empty()) {
    auto client = std::move(not_yet_opened_.back());
    not_yet_opened_.pop_back();
    in_flight_++;
    client->open([this](bool ok) {
      (ok ? opened_ : failed_)++;
      net::post(pacer_, [this] {
        in_flight_--;
        launch_more();
      });
    });
  }
}

bool ClientPool::wait_until(const std::function<bool()>& done, Clock::duration limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void ClientPool::each_client(const std::function<void(ChatClient&)>& f) {
  for (auto& weak : clients_)
    if (auto client = weak.lock()) f(*client);
}

void ClientPool::stop(Clock::duration grace) {
  if (threads_.empty()) return;
  net::post(pacer_, [this] {
    stopping_ = true;
    not_yet_opened_.clear();
  });
  each_client([](ChatClient& c) { c.finish(); });
  work_.reset();  // from now on the threads return once every connection has closed
  if (!wait_until([this] { return ioc_.stopped(); }, grace)) {
    each_client([](ChatClient& c) { c.abort(); });
    if (!wait_until([this] { return ioc_.stopped(); }, std::chrono::seconds(2))) ioc_.stop();
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
}

ConnectionStats ClientPool::merged_stats() const {
  ConnectionStats all;
  for (const auto& s : stats_) {
    all.latencies_us.insert(all.latencies_us.end(), s.latencies_us.begin(), s.latencies_us.end());
    all.conversations += s.conversations;
    for (const auto& [kind, tally] : s.errors) {
      auto& into = all.errors[kind];
      if (into.count == 0) into.first = tally.first;
      into.count += tally.count;
    }
  }
  return all;
}

}  // namespace bench
