// The chat server: a thread pool running one io_context, a listener, and clean shutdown on
// SIGTERM/SIGINT (stop accepting, close open chats with 1001, then return).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "server_context.hpp"

namespace rc {

class Server {
 public:
  Server(const Config& config, const GuidanceSet& guidance, store::ConversationLog& log);
  ~Server();

  // Binds the listening socket. Returns the port (useful with port 0) or an error.
  Result<unsigned short> listen();
  // Binds the staff console listener (WebSocket /v1/staff). Returns its port.
  Result<unsigned short> listen_console();
  // Runs until a signal or stop(); returns when every thread has finished.
  void run();
  void stop();
  ServerContext& context() { return ctx_; }

 private:
  void do_accept();
  void do_accept_console();
  void begin_shutdown();
  void wait_for_sessions(int attempts_left);

  ServerContext ctx_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::acceptor console_acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer accept_pause_;  // runs on the acceptor's strand
  bool accept_backing_off_ = false;
};

}  // namespace rc
