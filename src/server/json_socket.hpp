// A WebSocket carrying JSON text frames, shared by the chat and the staff console sessions:
// one read at a time, a bounded queue of outgoing frames written one by one, a close that
// lets the queued frames (often the error that explains it) go out first, and one filter for
// the errors that only mean "the peer left". Its reads and writes keep the owning session alive;
// its write-deadline timer holds it only weakly.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/boxed.hpp"

namespace rc {

class JsonSocket {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  // A timer on this socket's strand, its executor's type named: a steady_timer erases it, which
  // for a strand is a heap copy in the timer and in every wait (issue 18: idle connections).
  using Timer = boost::asio::basic_waitable_timer<std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>, Strand>;
  using Upgrade = boost::beast::http::request<boost::beast::http::string_body>;
  using Accepted = std::function<void()>;
  // A whole message: `text` false for a binary frame, `bytes` its size.
  using Received = std::function<void(std::string message, bool text, std::size_t bytes)>;
  using Ended = std::function<void()>;

  // `read_limit`: Beast closes (1009) past it. `max_queued`: frames waiting before the peer
  // counts as not reading and is closed. `write_deadline`: how long one write (or the close
  // handshake) may take before the connection is dropped: a peer that stops reading is
  // released, not held for ever. `ping_after`: a peer silent this long is pinged, and dropped
  // when nothing comes back within as long again (a peer gone without a word: a laptop shut, a
  // network lost).
  JsonSocket(boost::asio::ip::tcp::socket&& socket, std::size_t read_limit, std::size_t max_queued,
             std::chrono::milliseconds write_deadline = std::chrono::seconds(30), std::chrono::seconds ping_after = std::chrono::seconds(150));

  // `owner` is the session: every pending operation holds it alive.
  void accept(std::weak_ptr<void> owner, Upgrade upgrade, Accepted accepted);
  // Reads one message; `ended` runs instead when the peer has gone (or the socket failed).
  void read(Received received, Ended ended);
  // Closes with 1001 "idle timeout" once no message has come for `limit` (none by default).
  void close_when_idle(std::chrono::seconds limit);
  void send(std::string frame);
  // Stops reading; what is queued goes out, then the close frame.
  void close(boost::beast::websocket::close_code code, const std::string& reason);
  bool closing() const { return closing_; }
  std::string remote_address() const;
  auto get_executor() { return ws_.get_executor(); }

  // Wraps `f` so that, called from any thread (the writer's, a timer's), it runs on this
  // socket's strand with the owner kept alive: the one way back to the session's strand.
  template <class F>
  auto on_strand(F f) {
    return [ex = ws_.get_executor(), keep = owner_.lock(), f = std::move(f)](auto&&... args) mutable {
      boost::asio::post(ex, [keep, f = std::move(f), ... args = std::forward<decltype(args)>(args)]() mutable { f(std::move(args)...); });
    };
  }

 private:
  void write_next();
  void send_close();
  void start_writing();  // a frame or the close handshake is on its way: its deadline runs
  void watch();          // starts the clock below, once the handshake is done
  void arm_clock(std::chrono::steady_clock::time_point at);
  void on_clock();
  void ping(std::chrono::steady_clock::time_point now);
  void heard();          // a frame of any kind came from the peer
  void drop();  // closes the TCP connection under the WebSocket: every pending operation ends
  // True when `ec` is an error worth a log line (not the peer simply going away).
  bool fail(boost::beast::error_code ec, const char* what);
  void read_part(Received received, Ended ended);
  static constexpr std::size_t kReadPart = 128;  // a client's answer fits; typed text takes a few parts

  // The stream names its strand's type, so Asio copies the executor instead of erasing its type
  // (an allocation for each work guard and hand-off: about 16 a turn, issue 18). A bare socket,
  // not Beast's basic_stream: the WebSocket keeps its own timeouts, and basic_stream's timers,
  // shared state and wrapper around every read and write cost each connection about 600 bytes
  // and each frame its bookkeeping (issue 18).
  using Stream = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Strand>;
  static Stream on_own_strand(boost::asio::ip::tcp::socket&& socket);

  boost::beast::websocket::stream<Stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::size_t max_queued_;
  std::chrono::milliseconds write_deadline_;
  std::chrono::seconds ping_after_;  // what Beast's suggested server timeout did, by a timer it re-armed on every read
  // One clock per connection for all its deadlines: the write in flight (a peer that stops
  // reading is dropped), the silent peer (pinged, then dropped), the idle limit (closed with
  // 1001) and a close the peer never finishes. It wakes at least every write deadline and reads
  // and writes never re-arm it, so they cost no timer work; only the socket's end stops it. One
  // wait, not three (Beast's idle timer, a write deadline and the session's idle timer: about
  // 500 bytes on every idle connection, issue 18).
  Timer clock_;
  bool writing_ = false, clock_running_ = false;
  bool pinged_ = false, ping_in_flight_ = false;
  std::chrono::seconds idle_limit_{0};
  std::chrono::steady_clock::time_point write_started_{}, heard_at_, message_at_, pinged_at_{}, ping_sent_at_{}, closing_seen_at_{};
  std::weak_ptr<void> owner_;
  // The frame being written (its bytes must stay put until the write ends) and those behind it.
  // Not a deque: an empty std::deque already holds about 600 bytes, on every idle connection.
  std::string in_flight_;
  bool frame_in_flight_ = false;
  std::vector<std::string> queued_;
  bool closing_ = false;
  Boxed<boost::beast::websocket::close_reason> close_reason_;  // set while queued frames drain (boxed: 144 bytes)
};

}  // namespace rc
