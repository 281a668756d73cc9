// See json_socket.hpp.
#include "json_socket.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

namespace rc {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
namespace bhttp = beast::http;

// Every connection is accepted onto a strand of the server's io_context (Server::do_accept);
// the socket moves to a stream that names that strand's type.
JsonSocket::Stream JsonSocket::on_own_strand(net::ip::tcp::socket&& socket) {
  const Strand* strand = socket.get_executor().target<Strand>();
  if (!strand) throw std::logic_error("a WebSocket's connection must be accepted onto a strand of the io_context");
  beast::error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  const auto handle = ec ? 0 : socket.release(ec);
  if (ec) return Stream(*strand);  // the socket already failed: a closed one, whose first operation fails
  try {
    return Stream(*strand, protocol, handle);
  } catch (...) {
    ::close(handle);  // released, so no one else would (the reactor could not take it)
    throw;
  }
}

JsonSocket::JsonSocket(net::ip::tcp::socket&& socket, std::size_t read_limit, std::size_t max_queued, std::chrono::milliseconds write_deadline,
                       std::chrono::seconds ping_after)
    : ws_(on_own_strand(std::move(socket))),
      max_queued_(max_queued),
      write_deadline_(write_deadline),
      ping_after_(ping_after),
      clock_(ws_.get_executor()),
      heard_at_(std::chrono::steady_clock::now()),
      message_at_(heard_at_) {
  // Beast times the opening and closing handshakes; a quiet peer is the clock's (see watch()).
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.control_callback([this](websocket::frame_type, beast::string_view) { heard(); });
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) { res.set(bhttp::field::server, "rightconv"); }));
  ws_.read_message_max(read_limit);
  ws_.auto_fragment(false);
}

std::string JsonSocket::remote_address() const {
  beast::error_code ec;
  auto ep = beast::get_lowest_layer(ws_).remote_endpoint(ec);
  return ec ? "unknown" : ep.address().to_string();
}

void JsonSocket::accept(std::weak_ptr<void> owner, Upgrade upgrade, Accepted accepted) {
  owner_ = std::move(owner);
  ws_.async_accept(upgrade, [this, keep = owner_.lock(), accepted = std::move(accepted)](beast::error_code ec) {
    if (fail(ec, "accept")) return;
    ws_.text(true);
    watch();
    accepted();
  });
}

void JsonSocket::read(Received received, Ended ended) {
  if (closing_) return;
  buffer_.clear();
  read_part(std::move(received), std::move(ended));
}

// A message is read in parts of at most kReadPart bytes: a whole-message read has Beast prepare
// 1.5 KB in the buffer before anything arrives, which every idle connection then holds (issue
// 18). Most messages fit in one part; the message size limit still applies to the whole.
void JsonSocket::read_part(Received received, Ended ended) {
  ws_.async_read_some(buffer_, kReadPart,
                      [this, keep = owner_.lock(), received = std::move(received), ended = std::move(ended)](beast::error_code ec, std::size_t) mutable {
                        if (fail(ec, "read")) return ended();
                        heard();
                        if (!ws_.is_message_done()) return read_part(std::move(received), std::move(ended));
                        message_at_ = heard_at_;
                        std::string message = beast::buffers_to_string(buffer_.data());
                        buffer_.clear();
                        if (buffer_.capacity() > kReadPart) buffer_.shrink_to_fit();  // a long message's room is not kept
                        const std::size_t bytes = message.size();
                        received(std::move(message), ws_.got_text(), bytes);
                      });
}

void JsonSocket::send(std::string frame) {
  if (closing_) return;  // once closing, only what was already queued goes out
  if (!frame_in_flight_) {
    in_flight_ = std::move(frame);
    frame_in_flight_ = true;
    return write_next();
  }
  queued_.push_back(std::move(frame));
  if (1 + queued_.size() > max_queued_) {
    queued_.clear();  // the peer is not reading: drop all but the one in flight
    return close(websocket::close_code::policy_error, "not reading replies");
  }
}

void JsonSocket::write_next() {
  start_writing();
  ws_.async_write(net::buffer(in_flight_), [this, keep = owner_.lock()](beast::error_code ec, std::size_t) {
    writing_ = false;
    if (fail(ec, "write")) {
      frame_in_flight_ = false;
      std::string().swap(in_flight_);
      queued_.clear();
      close_reason_.reset();
      return;
    }
    if (!queued_.empty()) {
      in_flight_ = std::move(queued_.front());
      queued_.erase(queued_.begin());
      return write_next();
    }
    frame_in_flight_ = false;
    std::string().swap(in_flight_);  // an idle connection keeps no frame (an outcome's is 14 KB)
    if (close_reason_) send_close();
  });
}

void JsonSocket::start_writing() {
  writing_ = true;
  write_started_ = std::chrono::steady_clock::now();
  // A running clock wakes within a write deadline and then waits for this write's exact due.
  if (!clock_running_) arm_clock(write_started_ + write_deadline_);
}

void JsonSocket::close_when_idle(std::chrono::seconds limit) {
  idle_limit_ = limit;
  if (clock_running_ && message_at_ + limit < clock_.expiry()) arm_clock(message_at_ + limit);  // once, at the start
}

void JsonSocket::heard() {
  heard_at_ = std::chrono::steady_clock::now();
  pinged_ = false;
}

void JsonSocket::watch() {
  heard();
  message_at_ = heard_at_;
  arm_clock(heard_at_ + std::min<std::chrono::steady_clock::duration>(write_deadline_, ping_after_));
}

void JsonSocket::arm_clock(std::chrono::steady_clock::time_point at) {
  clock_running_ = true;
  clock_.expires_at(at);
  // Holds the session only weakly, so a quiet session is not kept alive by its clock.
  clock_.async_wait([this, weak = owner_](beast::error_code ec) {
    if (ec) return;  // the socket is being destroyed
    const auto keep = weak.lock();
    if (!keep) return;
    on_clock();
  });
}

// Runs with the clock stopped at its due; arms it again until the connection itself is closed.
void JsonSocket::on_clock() {
  using clock = std::chrono::steady_clock;
  clock_running_ = false;
  if (!beast::get_lowest_layer(ws_).is_open()) return;  // over: nothing left to watch
  const auto now = clock::now();
  auto overdue = [&](clock::time_point since, clock::duration limit, const char* why) {
    if (now < since + limit) return false;
    spdlog::debug("websocket peer dropped: {}", why);
    drop();
    return true;
  };
  if (writing_ && overdue(write_started_, write_deadline_, "not reading (a write past its deadline)")) return;
  if (ping_in_flight_ && overdue(ping_sent_at_, write_deadline_, "not reading (a ping past the write deadline)")) return;
  if (!ws_.is_open()) {
    // Closing, from either side or because Beast failed the connection: Beast writes the close
    // and waits for the peer to end the connection, with no timer of its own once its idle
    // timeout is off. A peer that never does is dropped a write deadline after.
    if (closing_seen_at_ == clock::time_point{}) closing_seen_at_ = now;
    if (overdue(closing_seen_at_, write_deadline_, "did not end the connection after a close")) return;
    return arm_clock(closing_seen_at_ + write_deadline_);
  }
  if (pinged_ && overdue(pinged_at_, ping_after_, "silent after a ping")) return;
  clock_running_ = true;  // so that a close below does not arm it: it is armed once, at the end
  if (idle_limit_.count() > 0 && !closing_ && now >= message_at_ + idle_limit_) close(websocket::close_code::going_away, "idle timeout");
  if (!pinged_ && !closing_ && now >= heard_at_ + ping_after_) ping(now);
  auto next = now + std::min<clock::duration>(write_deadline_, ping_after_);
  if (writing_) next = std::min(next, write_started_ + write_deadline_);
  if (ping_in_flight_) next = std::min(next, ping_sent_at_ + write_deadline_);
  next = std::min(next, pinged_ ? pinged_at_ + ping_after_ : heard_at_ + ping_after_);
  if (idle_limit_.count() > 0 && !closing_) next = std::min(next, message_at_ + idle_limit_);
  arm_clock(next);
}

// One ping per silence, and the peer has ping_after from when it was sent to answer; any frame
// back (the pong, or anything else) counts as heard. A close waits for a ping in flight to go.
void JsonSocket::ping(std::chrono::steady_clock::time_point now) {
  pinged_ = true;
  pinged_at_ = now;
  if (ping_in_flight_) return;  // the last one has not gone yet: it still asks
  ping_in_flight_ = true;
  ping_sent_at_ = now;  // its write deadline runs from here, whatever is heard meanwhile
  ws_.async_ping({}, [this, keep = owner_.lock()](beast::error_code ec) {
    ping_in_flight_ = false;
    if (fail(ec, "ping")) return;
    if (close_reason_ && !frame_in_flight_) send_close();
  });
}

void JsonSocket::drop() {
  closing_ = true;
  close_reason_.reset();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).close(ignored);
}

void JsonSocket::close(websocket::close_code code, const std::string& reason) {
  if (closing_) return;
  closing_ = true;
  close_reason_ = websocket::close_reason(code, reason);
  if (!frame_in_flight_) send_close();
}

void JsonSocket::send_close() {
  if (ping_in_flight_) return;  // sent when the ping has gone
  auto reason = *close_reason_;
  close_reason_.reset();
  if (!ws_.is_open()) return;
  start_writing();  // the close handshake gets the same time as a write
  ws_.async_close(reason, [this, keep = owner_.lock()](beast::error_code) { writing_ = false; });
}

bool JsonSocket::fail(beast::error_code ec, const char* what) {
  if (!ec) return false;
  closing_ = true;
  if (ec != websocket::error::closed && ec != net::error::operation_aborted && ec != beast::error::timeout && ec != net::error::eof &&
      ec != net::error::connection_reset)
    spdlog::debug("websocket {} ended: {}", what, ec.message());
  return true;
}

}  // namespace rc
