// The console listener's routes: the staff console WebSocket (/v1/staff) and a health check.
#include <boost/beast/websocket.hpp>

#include "http_session.hpp"
#include "staff_console_session.hpp"

namespace rc {

namespace bhttp = beast::http;
using Request = HttpSession::Request;

namespace {

void health(HttpSession& s, Request&& req) { s.send(HttpSession::plain(req, bhttp::status::ok, "{\"status\":\"ok\"}", "application/json")); }

void console_upgrade(HttpSession& s, Request&& req) {
  ServerContext& ctx = s.context();
  if (ctx.stopping) return s.send(HttpSession::plain(req, bhttp::status::service_unavailable, "shutting down\n"));
  // The console page comes from the staff listener (another port of the same host); the token
  // sent as the first message is what authenticates, so no cookie can be ridden.
  const std::string origin(req[bhttp::field::origin]);
  const std::string host(req[bhttp::field::host]);
  if (!origin.empty() && origin_hostname(origin) != origin_hostname(host) && !is_allowed_origin(origin, host, ctx.config.limits.allowed_origins)) {
    auto res = HttpSession::plain(req, bhttp::status::forbidden, "origin not allowed\n");
    res.keep_alive(false);
    return s.send(std::move(res));
  }
  std::make_shared<StaffConsoleSession>(s.release_socket(), ctx, s.admission())->run(std::move(req));
}

void otherwise(HttpSession& s, Request&& req) {
  s.send(HttpSession::plain(req, bhttp::status::not_found, "the staff console WebSocket is /v1/staff\n"));
}

}  // namespace

const HttpSession::Routes& console_listener_routes() {
  using K = HttpSession::Route::Kind;
  static const HttpSession::Routes routes{{{K::any_method, "/healthz", false, health}, {K::websocket, "/v1/staff", false, console_upgrade}}, otherwise};
  return routes;
}

}  // namespace rc
