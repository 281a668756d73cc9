// The chat server: a thread pool running one io_context, a listener, and clean shutdown on
// SIGTERM/SIGINT (stop accepting, close open chats with 1001, then return).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "connection_cap.hpp"
#include "http_session.hpp"
#include "server_context.hpp"

namespace rc {

class Server {
 public:
  Server(const ServerConfig& config, ServerServices services);
  ~Server();

  // Binds the listening socket. Returns the port (useful with port 0) or an error.
  Result<unsigned short> listen();
  // Binds the staff console listener (WebSocket /v1/staff). Returns its port.
  Result<unsigned short> listen_console();
  // Binds the staff listener: each request is answered by `answer` on a small worker pool
  // of its own (it may block on the database); the sockets stay asynchronous, so slow or idle
  // clients cost no thread. Returns its port.
  using StaffAnswer = std::function<http::Response(http::Request)>;
  Result<unsigned short> listen_staff(const std::string& address, unsigned short port, StaffAnswer answer);
  // Each SIGHUP runs `reload` on the staff pool, never on an I/O thread (it reads files). Set
  // before run(); without it SIGHUP keeps its default.
  void on_hangup(std::function<void()> reload);
  // Runs until a signal or stop(); returns when every thread has finished.
  void run();
  void stop();
  ServerContext& context() { return ctx_; }

 private:
  void do_accept();
  void do_accept_console();
  void do_accept_staff();
  // The accept loop of a staff-side listener: a per-address cap, a short pause on errors.
  void accept_capped(boost::asio::ip::tcp::acceptor& acceptor, ConnectionCap& cap, const HttpSession::Routes& routes);
  void begin_shutdown();
  void wait_for_hangup();
  void wait_for_sessions(int attempts_left);
  // Every minute: expire waiting requests whose practitioner can no longer come back.
  void sweep_stale_handoffs();

  ServerContext ctx_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::acceptor console_acceptor_;
  boost::asio::ip::tcp::acceptor staff_acceptor_;
  boost::asio::thread_pool staff_pool_{4};  // answers staff requests; never the I/O threads
  static constexpr std::size_t kPublicHeadroom = 256;
  ConnectionCap public_cap_, console_cap_, staff_cap_;
  boost::asio::signal_set signals_;
  boost::asio::signal_set hangup_;
  std::function<void()> reload_;
  boost::asio::steady_timer accept_pause_;  // runs on the acceptor's strand
  bool accept_backing_off_ = false;
  boost::asio::steady_timer stale_sweep_;  // on its own strand
};

}  // namespace rc
