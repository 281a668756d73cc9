// See http_session.hpp.
#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket.hpp>

namespace rc {

namespace bhttp = beast::http;

namespace {

std::string host_of(std::string origin_or_host) {
  auto scheme = origin_or_host.find("://");
  if (scheme != std::string::npos) origin_or_host = origin_or_host.substr(scheme + 3);
  return origin_or_host;
}

std::string hostname_only(const std::string& host_port) {
  if (!host_port.empty() && host_port[0] == '[') return host_port.substr(0, host_port.find(']') + 1);
  return host_port.substr(0, host_port.find(':'));
}

bool path_matches(const HttpSession::Route& r, std::string_view path) {
  if (path == r.path) return true;
  return r.subtree && path.size() > r.path.size() && path.substr(0, r.path.size()) == r.path && path[r.path.size()] == '/';
}

}  // namespace

std::string origin_hostname(const std::string& origin_or_host) { return hostname_only(host_of(origin_or_host)); }

bool is_allowed_origin(const std::string& origin, const std::string& host, const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;  // not a browser: nothing to protect against
  for (const auto& a : allowed)
    if (a == origin) return true;
  const std::string origin_host = host_of(origin);
  if (!host.empty() && origin_host == host) return true;
  const std::string name = hostname_only(origin_host);
  return name == "localhost" || name == "127.0.0.1" || name == "[::1]";
}

HttpSession::HttpSession(tcp::socket&& socket, ServerContext& ctx, const Routes& routes, std::shared_ptr<void> admission)
    : stream_(std::move(socket)), ctx_(ctx), routes_(routes), admission_(std::move(admission)) {}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(routes_.body_limit);
  parser_->header_limit(16 * 1024);
  // One deadline for the whole request (headers and body), not per read: a client sending a
  // byte a second cannot hold the connection past it. It also closes idle keep-alive connections.
  stream_.expires_after(std::chrono::seconds(30));
  bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec && std::string_view(ec.category().name()) == "beast.http" && ec != bhttp::error::end_of_stream) {
    // A malformed request (two Content-Lengths that disagree, a negative one, bad chunking...)
    // or one past the limits: say so, then close, since the stream can no longer be trusted.
    const bool too_large = ec == bhttp::error::body_limit || ec == bhttp::error::header_limit;
    Request bad{bhttp::verb::get, "/", 11};
    auto res = plain(bad, too_large ? bhttp::status::payload_too_large : bhttp::status::bad_request,
                     too_large ? "request too large\n" : "malformed request\n");
    res.keep_alive(false);
    head_ = false;
    return send(std::move(res));
  }
  if (ec) {  // end of stream, timeout, a reset: nothing more to answer
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  ++requests_;
  route(parser_->release());
}

void HttpSession::route(Request req) {
  const std::string target(req.target());
  const std::string_view path = std::string_view(target).substr(0, target.find('?'));
  const bool upgrade = beast::websocket::is_upgrade(req);
  head_ = req.method() == bhttp::verb::head;
  for (const auto& r : routes_.routes) {
    if (!path_matches(r, path) || upgrade != (r.kind == Route::Kind::websocket)) continue;
    if (r.kind == Route::Kind::read && req.method() != bhttp::verb::get && req.method() != bhttp::verb::head)
      return send(plain(req, bhttp::status::method_not_allowed, "method not allowed\n"));
    return r.handle(*this, std::move(req));
  }
  routes_.otherwise(*this, std::move(req));
}

HttpSession::Response HttpSession::plain(const Request& req, bhttp::status status, const std::string& body, const std::string& type) {
  Response res{status, req.version()};
  res.set(bhttp::field::server, "rightconv");
  res.set(bhttp::field::content_type, type);
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = body;
  res.prepare_payload();
  return res;
}

tcp::socket HttpSession::release_socket() {
  stream_.expires_never();
  return stream_.release_socket();
}

std::string HttpSession::remote_address() const {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  return ec ? std::string("unknown") : remote.address().to_string();
}

void HttpSession::send(Response res) {
  if (requests_ >= kMaxRequestsPerConnection) res.keep_alive(false);
  const bool keep_alive = res.keep_alive();
  if (head_) {  // the same headers (Content-Length included), no body
    auto head = std::make_shared<bhttp::response<bhttp::empty_body>>(res.result(), res.version());
    head->base() = res.base();
    pending_ = head;
    return bhttp::async_write(stream_, *head, beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
  }
  auto full = std::make_shared<Response>(std::move(res));
  pending_ = full;
  bhttp::async_write(stream_, *full, beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  pending_.reset();
  if (ec) return;
  if (!keep_alive) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  do_read();
}

}  // namespace rc
