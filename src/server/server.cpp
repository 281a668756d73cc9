// See server.hpp.
#include "server.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "chat_session.hpp"
#include "handoff/handoff_service.hpp"
#include "http_session.hpp"

namespace rc {

namespace net = boost::asio;

Server::Server(const ServerConfig& config, ServerServices services)
    : ctx_{config, std::move(services)},
      ioc_(config.io_threads(std::thread::hardware_concurrency())),
      acceptor_(net::make_strand(ioc_)),
      console_acceptor_(net::make_strand(ioc_)),
      staff_acceptor_(net::make_strand(ioc_)),
      // Practitioners all arrive through the partnership's proxy: no per-address cap on the public
      // listener. Its slice has room past max_connections chats so the extra still hear "try again".
      public_cap_(static_cast<std::size_t>(config.limits.max_connections) + kPublicHeadroom,
                  static_cast<std::size_t>(config.limits.max_connections) + kPublicHeadroom),
      console_cap_(config.limits.max_staff_connections, config.limits.max_connections_per_address),
      staff_cap_(config.limits.max_staff_connections, config.limits.max_connections_per_address),
      signals_(ioc_, SIGINT, SIGTERM),
      hangup_(ioc_),
      accept_pause_(acceptor_.get_executor()),
      stale_sweep_(net::make_strand(ioc_)) {}

Server::~Server() = default;

Result<unsigned short> Server::listen() {
  beast::error_code ec;
  auto address = net::ip::make_address(ctx_.config.listen_address, ec);
  if (ec) return make_error("listen address \"" + ctx_.config.listen_address + "\" is not an IP address");
  tcp::endpoint endpoint{address, ctx_.config.port};
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return make_error("cannot listen on " + ctx_.config.listen_address + ":" + std::to_string(ctx_.config.port) + ": " + ec.message());
  return acceptor_.local_endpoint().port();
}

Result<unsigned short> Server::listen_console() {
  beast::error_code ec;
  auto address = net::ip::make_address(ctx_.config.console_address, ec);
  if (ec) return make_error("console listen address \"" + ctx_.config.console_address + "\" is not an IP address");
  tcp::endpoint endpoint{address, ctx_.config.console_port};
  console_acceptor_.open(endpoint.protocol(), ec);
  if (!ec) console_acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) console_acceptor_.bind(endpoint, ec);
  if (!ec) console_acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return make_error("cannot listen on " + ctx_.config.console_address + ":" + std::to_string(ctx_.config.console_port) + ": " + ec.message());
  return console_acceptor_.local_endpoint().port();
}

Result<unsigned short> Server::listen_staff(const std::string& address_text, unsigned short port, StaffAnswer answer) {
  beast::error_code ec;
  auto address = net::ip::make_address(address_text, ec);
  if (ec) return make_error("staff listen address \"" + address_text + "\" is not an IP address");
  tcp::endpoint endpoint{address, port};
  staff_acceptor_.open(endpoint.protocol(), ec);
  if (!ec) staff_acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) staff_acceptor_.bind(endpoint, ec);
  if (!ec) staff_acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return make_error("cannot listen on " + address_text + ":" + std::to_string(port) + " for the staff API: " + ec.message());
  ctx_.staff = [this, answer = std::move(answer)](http::Request request, std::function<void(http::Response)> done) {
    net::post(staff_pool_, [&answer, request = std::move(request), done = std::move(done)]() mutable { done(answer(std::move(request))); });
  };
  return staff_acceptor_.local_endpoint().port();
}

// Staff-side listeners serve few people: each address may hold a fixed number of connections,
// and an accept error only pauses the loop briefly.
void Server::accept_capped(tcp::acceptor& acceptor, ConnectionCap& cap, const HttpSession::Routes& routes) {
  if (!acceptor.is_open()) return;
  acceptor.async_accept(net::make_strand(ioc_), [this, &acceptor, &cap, &routes](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor.is_open()) return;
      auto t = std::make_shared<net::steady_timer>(ioc_, std::chrono::milliseconds(100));
      return t->async_wait([this, t, &acceptor, &cap, &routes](beast::error_code) { accept_capped(acceptor, cap, routes); });
    }
    beast::error_code ignored;
    const auto remote = socket.remote_endpoint(ignored);
    if (auto ticket = cap.admit(ignored ? std::string("unknown") : remote.address().to_string()))
      std::make_shared<HttpSession>(std::move(socket), ctx_, routes, std::move(ticket))->run();
    else
      socket.close(ignored);  // this address holds its share already
    accept_capped(acceptor, cap, routes);
  });
}

void Server::do_accept_console() { accept_capped(console_acceptor_, console_cap_, console_listener_routes()); }
void Server::do_accept_staff() { accept_capped(staff_acceptor_, staff_cap_, staff_listener_routes()); }

void Server::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor_.is_open()) return;  // shutting down
      // Out of file descriptors (or similar): retrying at once would spin and flood the log.
      // Wait a little for connections to close, and say so once per burst.
      if (!accept_backing_off_) spdlog::warn("accept failed: {}; pausing new connections briefly", ec.message());
      accept_backing_off_ = true;
      accept_pause_.expires_after(std::chrono::milliseconds(100));
      accept_pause_.async_wait([this](beast::error_code) { do_accept(); });
      return;
    }
    if (accept_backing_off_) spdlog::info("accepting connections again");
    accept_backing_off_ = false;
    socket.set_option(tcp::no_delay(true), ec);
    auto ticket = public_cap_.admit("public");
    if (!ticket) {
      socket.close(ec);  // the public listener's slice is full: the staff side keeps its own
    } else {
      std::make_shared<HttpSession>(std::move(socket), ctx_, chat_listener_routes(), std::move(ticket))->run();
    }
    do_accept();
  });
}

void Server::run() {
  signals_.async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received: shutting down", signal);
    begin_shutdown();
  });
  if (reload_) wait_for_hangup();
  do_accept();
  do_accept_console();
  do_accept_staff();
  sweep_stale_handoffs();
  const int n = ctx_.config.io_threads(std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads) t.join();
  staff_pool_.stop();  // requests still queued get no answer: their sockets are gone
  staff_pool_.join();
}

void Server::sweep_stale_handoffs() {
  ctx_.handoffs.expire_stale();
  stale_sweep_.expires_after(std::chrono::minutes(1));
  stale_sweep_.async_wait([this](beast::error_code ec) {
    if (!ec && !ctx_.stopping) sweep_stale_handoffs();
  });
}

void Server::on_hangup(std::function<void()> reload) {
  reload_ = std::move(reload);
  // Caught from here on, before the server says it is ready: a reload asked for while it
  // starts must not meet SIGHUP's default action (the end of the process).
  hangup_.add(SIGHUP);
}

void Server::wait_for_hangup() {
  hangup_.async_wait([this](beast::error_code ec, int) {
    if (ec) return;
    net::post(staff_pool_, reload_);
    wait_for_hangup();
  });
}

void Server::stop() {
  net::post(ioc_, [this] { begin_shutdown(); });
}

void Server::begin_shutdown() {
  if (ctx_.stopping.exchange(true)) return;
  beast::error_code ec;
  signals_.cancel(ec);
  hangup_.cancel(ec);
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  net::post(console_acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    console_acceptor_.close(ignored);
  });
  net::post(staff_acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    staff_acceptor_.close(ignored);
  });
  net::post(stale_sweep_.get_executor(), [this] { stale_sweep_.cancel(); });
  const auto sessions = ctx_.sessions.snapshot();
  spdlog::info("closing {} open chat(s)", sessions.size());
  for (const auto& s : sessions) s->shutdown();
  wait_for_sessions(100);
}

// Gives open chats up to ~5 s to finish their close handshake, then stops the threads.
void Server::wait_for_sessions(int attempts_left) {
  if (ctx_.open_chats.load() == 0 || attempts_left == 0) return ioc_.stop();
  auto timer = std::make_shared<net::steady_timer>(ioc_, std::chrono::milliseconds(50));
  timer->async_wait([this, timer, attempts_left](beast::error_code) { wait_for_sessions(attempts_left - 1); });
}

}  // namespace rc
