// The staff listener's routes: every request, read whole within the session's deadline, is
// turned into a plain http::Request and answered by the staff API on the staff worker pool
// (server.cpp), so a slow client holds a socket, never a thread.
#include <boost/beast/websocket.hpp>

#include "core/text_fold.hpp"
#include "http/form_encoding.hpp"
#include "http_session.hpp"

namespace rc {

namespace bhttp = beast::http;
using Request = HttpSession::Request;

namespace {

void bad_request(HttpSession& s, const Request& req, const std::string& why) {
  auto res = HttpSession::plain(req, bhttp::status::bad_request, nlohmann::json{{"error", "bad_request"}, {"message", why}}.dump(), "application/json");
  res.keep_alive(false);
  s.send(std::move(res));
}

void staff_request(HttpSession& s, Request&& req) {
  if (beast::websocket::is_upgrade(req)) return bad_request(s, req, "No WebSocket here: the staff console listens on its own port.");
  http::Request in;
  in.method = std::string(req.method_string());
  const std::string target(req.target());
  const auto query_at = target.find('?');
  in.path = target.substr(0, query_at);
  if (!is_utf8(in.path)) return bad_request(s, req, "The path is not UTF-8.");
  if (query_at != std::string::npos) {
    auto params = http::parse_form(std::string_view(target).substr(query_at + 1));
    if (!params) return bad_request(s, req, "The query string is not well formed.");
    for (const auto& [name, value] : params.value())
      if (!is_utf8(name) || !is_utf8(value)) return bad_request(s, req, "The query string is not UTF-8.");
    for (auto& [name, value] : params.value()) in.params.emplace(std::move(name), std::move(value));
  }
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    in.headers[name] = std::string(field.value());
  }
  in.body = std::move(req.body());
  in.remote_addr = s.remote_address();
  const unsigned version = req.version();
  const bool keep_alive = req.keep_alive();
  s.context().staff(std::move(in), s.on_strand([&s, version, keep_alive](http::Response out) {
    HttpSession::Response res{static_cast<bhttp::status>(out.status), version};
    res.set(bhttp::field::server, "rightconv");
    res.set(bhttp::field::content_type, out.content_type);
    for (const auto& [name, value] : out.headers) res.set(name, value);
    res.keep_alive(keep_alive);
    res.body() = std::move(out.body);
    res.prepare_payload();
    s.send(std::move(res));
  }));
}

}  // namespace

const HttpSession::Routes& staff_listener_routes() {
  static const HttpSession::Routes routes{{}, staff_request, 64 * 1024};
  return routes;
}

}  // namespace rc
