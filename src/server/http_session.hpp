// One HTTP connection: answers health checks and static pages, and hands a WebSocket upgrade
// on /v1/chat to a ChatSession after checking the origin and the connection limit.
#pragma once
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "server_context.hpp"

namespace rc {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  enum class Listener { chat, console };
  HttpSession(tcp::socket&& socket, ServerContext& ctx, Listener listener = Listener::chat);
  void run();

 private:
  using Request = beast::http::request<beast::http::string_body>;
  using Response = beast::http::response<beast::http::string_body>;

  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void route(Request req);
  void upgrade(Request req);
  void route_console(Request req);
  void readiness(Request req);
  void voice_webhook(Request req);  // POST /v1/voice/{dialog}: src/voice/voice_endpoint
  void send(Response res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  Response plain(const Request& req, beast::http::status status, const std::string& body, const std::string& type = "text/plain; charset=utf-8");

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  ServerContext& ctx_;
  Listener listener_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  std::shared_ptr<Response> pending_;
};

// Browsers send Origin: allowed are the same host, localhost, and the configured list.
bool is_allowed_origin(const std::string& origin, const std::string& host, const std::vector<std::string>& allowed);

}  // namespace rc
