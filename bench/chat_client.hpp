// One bench connection: a Beast WebSocket client on its own strand. In `converse` mode it walks
// the conversation script over and over, one turn at a time, timing each turn from the send to
// its final reply; in `hold` mode it starts one conversation and then sits idle until told to go.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conversation_script.hpp"

namespace bench {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::int64_t nanos_since_epoch(Clock::time_point t);

// One instance of the server: where to connect, and the Host header to send.
struct Target {
  tcp::endpoint endpoint;
  std::string host_header;  // "127.0.0.1:PORT"
};

// Shared by every connection of one run: the scenario writes it, the connections read it.
struct RunControl {
  std::vector<Target> targets;  // connection i goes to targets[i % size]
  const ConversationScript* script = nullptr;
  Clock::duration turn_timeout = std::chrono::seconds(10);
  // Turns and conversations are counted when their final reply lands in [from, until).
  std::atomic<std::int64_t> window_from{std::numeric_limits<std::int64_t>::max()};
  std::atomic<std::int64_t> window_until{std::numeric_limits<std::int64_t>::max()};
  std::atomic<int> ready{0};   // hold mode: connections holding a started conversation
  std::atomic<int> failed{0};  // hold mode: connections that never got there, or were dropped

  bool in_window(Clock::time_point t) const {
    const auto n = nanos_since_epoch(t);
    return n >= window_from.load(std::memory_order_relaxed) && n < window_until.load(std::memory_order_relaxed);
  }
};

struct ErrorTally {
  std::uint64_t count = 0;
  std::string first;  // the first such error's details, to show what went wrong
};

struct ConnectionStats {
  std::vector<std::uint32_t> latencies_us;  // turns whose final reply came inside the window
  std::uint64_t conversations = 0;          // "ended" replies inside the window
  std::map<std::string, ErrorTally> errors;  // whole run, by kind ("error:rate_limited", "read: ...")
};

enum class ClientMode { converse, hold };

class ChatClient : public std::enable_shared_from_this<ChatClient> {
 public:
  // `stats` outlives the client: the pool reads it after the io_context has stopped.
  ChatClient(net::io_context& ioc, RunControl& run, const Target& target, ClientMode mode, ConnectionStats& stats);

  // Connects and shakes hands, then starts its work. `opened` is called once, on the first
  // attempt's success or failure (reconnections after a failure do not call it again).
  void open(std::function<void(bool ok)> opened);
  // From any thread. converse: close after the turn in flight. hold: close now.
  void finish();
  // From any thread: drop the connection now, whatever it is doing.
  void abort();

 private:
  void connect();
  void on_connect(beast::error_code ec);
  void on_handshake(beast::error_code ec);
  void send_turn();
  void on_write(beast::error_code ec, std::size_t);
  void read_reply();
  void on_read(beast::error_code ec, std::size_t);
  void on_final_reply(const nlohmann::json& reply, const std::string& type, Clock::time_point at);
  void restart_conversation();
  void close();
  void on_failure(const char* where, beast::error_code ec);
  void report_opened(bool ok);
  void count_error(const std::string& kind, const std::string& detail);

  RunControl& run_;
  const Target& target_;
  ClientMode mode_;
  net::strand<net::io_context::executor_type> strand_;
  std::optional<websocket::stream<beast::tcp_stream>> ws_;
  net::steady_timer retry_timer_;
  beast::flat_buffer buffer_;
  std::string outgoing_;
  std::function<void(bool)> opened_;
  std::size_t step_ = 0;
  std::uint64_t refs_ = 0;
  std::string ref_;
  Clock::time_point sent_at_;
  bool holding_ = false;
  bool finishing_ = false;
  ConnectionStats& stats_;
};

}  // namespace bench
