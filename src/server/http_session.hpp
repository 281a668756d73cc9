// One HTTP connection on a listener: reads a request (30 s deadline, 16 KiB limits), finds
// its route in the listener's table and lets the route answer, then reads the next. The
// routes live with their listener (chat_listener_routes.cpp, console_listener_routes.cpp);
// this file knows only HTTP.
#pragma once
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "server_context.hpp"

namespace rc {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using Request = beast::http::request<beast::http::string_body>;
  using Response = beast::http::response<beast::http::string_body>;
  using Handler = void (*)(HttpSession& session, Request&& req);

  struct Route {
    enum class Kind { read, any_method, websocket } kind;  // read: GET and HEAD (others get 405)
    std::string_view path;
    bool subtree = false;  // also everything under path + "/"
    Handler handle;
  };
  // A listener's answers: the first route that matches, else `otherwise`.
  struct Routes {
    std::vector<Route> routes;
    Handler otherwise;
    std::size_t body_limit = 16 * 1024;
  };

  // `admission`: the connection's slot in its listener's per-address cap (held while it lives).
  HttpSession(tcp::socket&& socket, ServerContext& ctx, const Routes& routes, std::shared_ptr<void> admission = nullptr);
  void run();

  // --- for the routes ---
  ServerContext& context() { return ctx_; }
  void send(Response res);
  static Response plain(const Request& req, beast::http::status status, const std::string& body, const std::string& type = "text/plain; charset=utf-8");
  // Hands the connection to a WebSocket session: this one ends. The session keeps `admission`
  // (the connection's slot in its listener) for as long as it lives.
  tcp::socket release_socket();
  std::shared_ptr<void> admission() const { return admission_; }
  std::string remote_address() const;
  // Wraps `f` to run on this connection's strand, keeping it alive, from any thread.
  template <class F>
  auto on_strand(F f) {
    return [ex = stream_.get_executor(), self = shared_from_this(), f = std::move(f)](auto&&... args) mutable {
      net::post(ex, [self, f = std::move(f), ... args = std::forward<decltype(args)>(args)]() mutable { f(std::move(args)...); });
    };
  }

 private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void route(Request req);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);

  // Requests one connection may carry before it is closed: keep-alive has a limit.
  static constexpr int kMaxRequestsPerConnection = 100;

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  ServerContext& ctx_;
  const Routes& routes_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  std::shared_ptr<void> pending_;  // the response being written
  std::shared_ptr<void> admission_;
  int requests_ = 0;
  bool head_ = false;  // the request being answered is a HEAD: headers only
};

// The public listener: health, readiness, the chat WebSocket, voice, the web pages.
const HttpSession::Routes& chat_listener_routes();
// The console listener: the staff console WebSocket and a health check, nothing else.
const HttpSession::Routes& console_listener_routes();
// The staff listener: the staff API and pages, answered on the staff worker pool.
const HttpSession::Routes& staff_listener_routes();

// Browsers send Origin: allowed are the same host, localhost, and the configured list.
bool is_allowed_origin(const std::string& origin, const std::string& host, const std::vector<std::string>& allowed);
// The host name of an Origin or Host value, without scheme or port.
std::string origin_hostname(const std::string& origin_or_host);

}  // namespace rc
