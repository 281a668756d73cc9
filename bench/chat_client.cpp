// See chat_client.hpp. Each connection has exactly one operation in flight at a time (connect,
// handshake, write, read, or the retry timer), except in hold mode where a close may overlap the
// waiting read, as Beast allows; so no state here needs more than the strand.
#include "chat_client.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace bench {

using json = nlohmann::json;

std::int64_t nanos_since_epoch(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

namespace {

std::string shortened(std::string_view s, std::size_t n = 240) {
  return s.size() <= n ? std::string(s) : std::string(s.substr(0, n)) + "...";
}

}  // namespace

ChatClient::ChatClient(net::io_context& ioc, RunControl& run, const Target& target, ClientMode mode, ConnectionStats& stats)
    : run_(run), target_(target), mode_(mode), strand_(net::make_strand(ioc)), retry_timer_(strand_), stats_(stats) {}

void ChatClient::open(std::function<void(bool ok)> opened) {
  opened_ = std::move(opened);
  net::dispatch(strand_, [self = shared_from_this()] { self->connect(); });
}

void ChatClient::finish() {
  net::post(strand_, [self = shared_from_this()] {
    self->finishing_ = true;
    self->retry_timer_.cancel();
    if (self->holding_) self->close();  // the waiting read ends when the close handshake does
  });
}

void ChatClient::abort() {
  net::post(strand_, [self = shared_from_this()] {
    self->finishing_ = true;
    self->retry_timer_.cancel();
    if (self->ws_) beast::get_lowest_layer(*self->ws_).close();
  });
}

void ChatClient::connect() {
  ws_.emplace(strand_);  // a fresh stream: a failed one cannot be reused
  auto& stream = beast::get_lowest_layer(*ws_);
  stream.expires_after(run_.turn_timeout);
  stream.async_connect(target_.endpoint, beast::bind_front_handler(&ChatClient::on_connect, shared_from_this()));
}

void ChatClient::on_connect(beast::error_code ec) {
  if (ec || finishing_) return on_failure("connect", ec);
  auto& stream = beast::get_lowest_layer(*ws_);
  stream.socket().set_option(tcp::no_delay(true), ec);
  stream.expires_never();  // from here the WebSocket stream keeps its own time
  websocket::stream_base::timeout t;
  t.handshake_timeout = run_.turn_timeout;
  // converse: a turn with no reply for this long is a stall. hold: silence is the point.
  t.idle_timeout = mode_ == ClientMode::converse ? run_.turn_timeout : websocket::stream_base::none();
  t.keep_alive_pings = false;
  ws_->set_option(t);
  ws_->set_option(websocket::stream_base::decorator(
      [](websocket::request_type& req) { req.set(beast::http::field::user_agent, "rightconv_bench"); }));
  ws_->async_handshake(target_.host_header, "/v1/chat", beast::bind_front_handler(&ChatClient::on_handshake, shared_from_this()));
}

void ChatClient::on_handshake(beast::error_code ec) {
  if (ec) return on_failure("handshake", ec);
  ws_->text(true);
  report_opened(true);
  if (finishing_) return close();
  step_ = 0;
  send_turn();
}

void ChatClient::send_turn() {
  ref_ = std::to_string(++refs_);
  outgoing_ = run_.script->message(step_, ref_);
  sent_at_ = Clock::now();
  ws_->async_write(net::buffer(outgoing_), beast::bind_front_handler(&ChatClient::on_write, shared_from_this()));
}

void ChatClient::on_write(beast::error_code ec, std::size_t) {
  if (ec) return on_failure("write", ec);
  read_reply();
}

void ChatClient::read_reply() {
  buffer_.clear();
  ws_->async_read(buffer_, beast::bind_front_handler(&ChatClient::on_read, shared_from_this()));
}

void ChatClient::on_read(beast::error_code ec, std::size_t) {
  const auto at = Clock::now();
  if (ec) return on_failure("read", ec);
  const auto data = buffer_.data();
  const std::string_view text(static_cast<const char*>(data.data()), data.size());
  if (holding_) {  // the protocol sends nothing unasked; say so if it does
    count_error("message while idle", shortened(text));
    return read_reply();
  }
  json reply = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  auto type_it = reply.is_object() ? reply.find("type") : reply.end();
  if (!reply.is_object() || type_it == reply.end() || !type_it->is_string()) {
    count_error("reply without a type", shortened(text));
    return restart_conversation();
  }
  const std::string type = type_it->get<std::string>();
  if (type == "error") {
    count_error("server error " + reply.value("code", std::string("?")), reply.value("message", std::string()));
    return restart_conversation();
  }
  if (!is_final_type(type)) return read_reply();  // "started", "info", "alert": the turn goes on
  on_final_reply(reply, type, at);
}

void ChatClient::on_final_reply(const json& reply, const std::string& type, Clock::time_point at) {
  const ScriptStep& expected = run_.script->step(step_);
  const bool as_expected = reply.value("ref", std::string()) == ref_ && type == expected.final_type &&
                           (expected.final_node.empty() || reply.value("node", std::string()) == expected.final_node) &&
                           (expected.final_outcome.empty() || reply.value("outcome", std::string()) == expected.final_outcome);
  if (!as_expected) {
    count_error("unexpected reply", "step " + std::to_string(step_) + " wanted " + expected.final_type + " " + expected.final_node +
                                        " for ref " + ref_ + ", got " + shortened(reply.dump()));
    return restart_conversation();
  }
  if (mode_ == ClientMode::hold) {
    holding_ = true;
    run_.ready++;
    return finishing_ ? close() : read_reply();  // the read waits, to notice if the server drops us
  }
  if (run_.in_window(at)) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(at - sent_at_).count();
    stats_.latencies_us.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(us, std::numeric_limits<std::uint32_t>::max())));
    if (run_.script->is_last(step_)) stats_.conversations++;
  }
  step_ = run_.script->is_last(step_) ? 0 : step_ + 1;
  if (finishing_) return close();
  send_turn();
}

// After an error reply the conversation's place is unknown: start a new one on the same
// connection (the server abandons the old one).
void ChatClient::restart_conversation() {
  step_ = 0;
  if (finishing_) return close();
  if (mode_ == ClientMode::hold) {
    run_.failed++;
    finishing_ = true;
    return close();
  }
  send_turn();
}

void ChatClient::close() {
  if (!ws_ || !ws_->is_open()) return;
  ws_->async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
}

void ChatClient::on_failure(const char* where, beast::error_code ec) {
  if (finishing_) return;  // we are closing or were aborted: not the server's failure
  std::string kind = std::string(where) + ": " + ec.message();
  std::string detail;
  if (ws_ && ec == websocket::error::closed)
    detail = "close code " + std::to_string(ws_->reason().code) + " \"" + std::string(ws_->reason().reason.c_str()) + "\"";
  count_error(kind, detail);
  report_opened(false);
  if (mode_ == ClientMode::hold) {
    if (holding_) run_.ready--;
    holding_ = false;
    run_.failed++;
    finishing_ = true;
    return;
  }
  // converse: keep the load on; come back shortly on a new connection.
  retry_timer_.expires_after(std::chrono::milliseconds(100));
  retry_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->finishing_) self->connect();
  });
}

void ChatClient::report_opened(bool ok) {
  if (!opened_) return;
  auto opened = std::move(opened_);
  opened_ = nullptr;
  opened(ok);
}

void ChatClient::count_error(const std::string& kind, const std::string& detail) {
  auto& tally = stats_.errors[kind];
  if (tally.count++ == 0) tally.first = detail;
}

}  // namespace bench
