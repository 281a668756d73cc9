// See http_session.hpp.
#include "http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>

#include "chat_session.hpp"
#include "staff_console_session.hpp"
#include "http/static_files.hpp"
#include "voice/voice_endpoint.hpp"

namespace rc {

namespace http = beast::http;
namespace websocket = beast::websocket;

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

}  // namespace

bool is_allowed_origin(const std::string& origin, const std::string& host, const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;  // not a browser: nothing to protect against
  for (const auto& a : allowed)
    if (a == origin) return true;
  const std::string origin_host = host_of(origin);
  if (!host.empty() && origin_host == host) return true;
  const std::string name = hostname_only(origin_host);
  return name == "localhost" || name == "127.0.0.1" || name == "[::1]";
}

HttpSession::HttpSession(tcp::socket&& socket, ServerContext& ctx, Listener listener)
    : stream_(std::move(socket)), ctx_(ctx), listener_(listener) {}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->body_limit(16 * 1024);
  parser_->header_limit(16 * 1024);
  stream_.expires_after(std::chrono::seconds(30));
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream || ec) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  route(parser_->release());
}

HttpSession::Response HttpSession::plain(const Request& req, http::status status, const std::string& body, const std::string& type) {
  Response res{status, req.version()};
  res.set(http::field::server, "rightconv");
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = body;
  res.prepare_payload();
  return res;
}

void HttpSession::route(Request req) {
  if (listener_ == Listener::console) return route_console(std::move(req));
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (websocket::is_upgrade(req)) {
    if (path == "/v1/chat") return upgrade(std::move(req));
    return send(plain(req, http::status::not_found, "no WebSocket endpoint here; use /v1/chat\n"));
  }
  // --- voice (docs/voice.md): the telephony webhook takes POST, so it is routed before the method check ---
  if (voice::is_voice_path(path)) return voice_webhook(std::move(req));
  // --- end voice ---
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return send(plain(req, http::status::method_not_allowed, "method not allowed\n"));
  if (path == "/healthz") return send(plain(req, http::status::ok, "{\"status\":\"ok\"}", "application/json"));
  if (path == "/readyz") return readiness(std::move(req));
  if (path == "/v1/chat") return send(plain(req, http::status::upgrade_required, "WebSocket upgrade required\n"));
  auto file = read_static_file(ctx_.config.web_root, path);
  if (!file) return send(plain(req, http::status::not_found, "not found\n"));
  auto res = plain(req, http::status::ok, file->body, file->content_type);
  res.set(http::field::cache_control, "no-cache");
  res.set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors *");
  send(std::move(res));
}

// The console listener: the staff console WebSocket and a health check, nothing else.
void HttpSession::route_console(Request req) {
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (path == "/healthz" && !websocket::is_upgrade(req)) return send(plain(req, http::status::ok, "{\"status\":\"ok\"}", "application/json"));
  if (path != "/v1/staff" || !websocket::is_upgrade(req)) return send(plain(req, http::status::not_found, "the staff console WebSocket is /v1/staff\n"));
  if (ctx_.stopping) return send(plain(req, http::status::service_unavailable, "shutting down\n"));
  // The console page comes from the staff listener (another port of the same host); the token
  // sent as the first message is what authenticates, so no cookie can be ridden.
  const std::string origin(req[http::field::origin]);
  const std::string host(req[http::field::host]);
  const std::string origin_name = hostname_only(host_of(origin));
  if (!origin.empty() && origin_name != hostname_only(host) && !is_allowed_origin(origin, host, ctx_.config.limits.allowed_origins)) {
    auto res = plain(req, http::status::forbidden, "origin not allowed\n");
    res.keep_alive(false);
    return send(std::move(res));
  }
  stream_.expires_never();
  std::make_shared<StaffConsoleSession>(stream_.release_socket(), ctx_)->run(std::move(req));
}

void HttpSession::upgrade(Request req) {
  if (ctx_.stopping) return send(plain(req, http::status::service_unavailable, "shutting down\n"));
  if (ctx_.open_chats.load() >= ctx_.config.limits.max_connections) {
    auto res = plain(req, http::status::service_unavailable, "too many connections; try again shortly\n");
    res.set(http::field::retry_after, "5");
    res.keep_alive(false);
    return send(std::move(res));
  }
  const std::string origin(req[http::field::origin]);
  const std::string host(req[http::field::host]);
  if (!is_allowed_origin(origin, host, ctx_.config.limits.allowed_origins)) {
    auto res = plain(req, http::status::forbidden, "origin not allowed\n");
    res.keep_alive(false);
    return send(std::move(res));
  }
  stream_.expires_never();
  std::make_shared<ChatSession>(stream_.release_socket(), ctx_)->run(std::move(req));
}

void HttpSession::readiness(Request req) {
  if (ctx_.guidance.dialogs.empty()) return send(plain(req, http::status::service_unavailable, "{\"status\":\"no dialogs loaded\"}", "application/json"));
  auto self = shared_from_this();
  auto shared_req = std::make_shared<Request>(std::move(req));
  ctx_.log.probe([self, shared_req](bool ok, const std::string&) {
    net::post(self->stream_.get_executor(), [self, shared_req, ok] {
      if (ok)
        self->send(self->plain(*shared_req, http::status::ok, "{\"status\":\"ready\"}", "application/json"));
      else
        self->send(self->plain(*shared_req, http::status::service_unavailable, "{\"status\":\"database not writable\"}", "application/json"));
    });
  });
}

// --- voice: hands the request to src/voice and sends its answer back on this session's strand ---
void HttpSession::voice_webhook(Request req) {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  voice::VoiceRequest in{std::string(req.method_string()), std::string(req.target()), std::string(req[http::field::content_type]),
                         std::nullopt, req.body(), ec ? std::string("unknown") : remote.address().to_string()};
  if (auto it = req.find("X-Twilio-Signature"); it != req.end()) in.signature = std::string(it->value());
  auto self = shared_from_this();
  auto shared_req = std::make_shared<Request>(std::move(req));
  auto services = std::make_shared<voice::VoiceServices>(
      voice::VoiceServices{ctx_.config.voice, ctx_.guidance, ctx_.writer, ctx_.metrics, [ctx = &ctx_] { return ctx->now(); }});
  voice::handle_voice_request(std::move(services), std::move(in), [self, shared_req](voice::VoiceResponse out) {
    net::post(self->stream_.get_executor(), [self, shared_req, out = std::move(out)] {
      self->send(self->plain(*shared_req, static_cast<http::status>(out.status), out.body, out.content_type));
    });
  });
}
// --- end voice ---

void HttpSession::send(Response res) {
  pending_ = std::make_shared<Response>(std::move(res));
  const bool keep_alive = pending_->keep_alive();
  http::async_write(stream_, *pending_, beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
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
