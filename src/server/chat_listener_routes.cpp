// The public listener's routes (docs/protocol.md, docs/voice.md): health and readiness, the
// chat WebSocket behind its origin and connection checks, the telephony webhook, the web pages
// with their security headers, and the widget script other sites embed.
#include <boost/beast/websocket.hpp>

#include "chat_session.hpp"
#include "http/static_files.hpp"
#include "http_session.hpp"
#include "store/group_commit_writer.hpp"
#include "voice/voice_endpoint.hpp"
#include "widget_script.hpp"

namespace rc {

namespace bhttp = beast::http;
using Request = HttpSession::Request;

namespace {

void refuse(HttpSession& s, const Request& req, bhttp::status status, const std::string& body) {
  auto res = HttpSession::plain(req, status, body);
  res.keep_alive(false);
  s.send(std::move(res));
}

// Who the client is: the peer, or behind a trusted reverse proxy the last address it forwarded.
std::string client_address(const ServerContext& ctx, const std::string& peer, const std::string& forwarded_for) {
  if (forwarded_for.empty() || !ctx.trusted_proxies.allows(peer)) return peer;
  std::string last = forwarded_for.substr(forwarded_for.rfind(',') == std::string::npos ? 0 : forwarded_for.rfind(',') + 1);
  const auto first = last.find_first_not_of(" \t");
  const auto end = last.find_last_not_of(" \t");
  return first == std::string::npos ? peer : last.substr(first, end - first + 1).substr(0, 64);
}

void chat_upgrade(HttpSession& s, Request&& req) {
  ServerContext& ctx = s.context();
  if (ctx.stopping) return s.send(HttpSession::plain(req, bhttp::status::service_unavailable, "shutting down\n"));
  if (ctx.open_chats.load() >= ctx.config.limits.max_connections) {
    auto res = HttpSession::plain(req, bhttp::status::service_unavailable, "too many connections; try again shortly\n");
    res.set(bhttp::field::retry_after, "5");
    res.keep_alive(false);
    return s.send(std::move(res));
  }
  if (!is_allowed_origin(std::string(req[bhttp::field::origin]), std::string(req[bhttp::field::host]), ctx.config.limits.allowed_origins))
    return refuse(s, req, bhttp::status::forbidden, "origin not allowed\n");
  auto per_client = ctx.chats_per_address.admit(client_address(ctx, s.remote_address(), std::string(req["X-Forwarded-For"])));
  if (!per_client) {
    auto res = HttpSession::plain(req, bhttp::status::service_unavailable, "too many conversations open from your address; close one and try again\n");
    res.set(bhttp::field::retry_after, "30");
    res.keep_alive(false);
    return s.send(std::move(res));
  }
  // The chat holds both slots: its connection's in the listener, and its client's.
  std::make_shared<ChatSession>(s.release_socket(), ctx, s.admission(), std::move(per_client))->run(std::move(req));
}

void health(HttpSession& s, Request&& req) { s.send(HttpSession::plain(req, bhttp::status::ok, "{\"status\":\"ok\"}", "application/json")); }

// Cheap and read-only: the writer's own record of its last commit says whether the database
// takes writes (a probe write per request grew the WAL and cost an fsync each).
void readiness(HttpSession& s, Request&& req) {
  ServerContext& ctx = s.context();
  if (ctx.guidance.current()->dialogs.empty())
    return s.send(HttpSession::plain(req, bhttp::status::service_unavailable, "{\"status\":\"no dialogs loaded\"}", "application/json"));
  if (!ctx.writer.last_commit_ok())
    return s.send(HttpSession::plain(req, bhttp::status::service_unavailable, "{\"status\":\"database not writable\"}", "application/json"));
  s.send(HttpSession::plain(req, bhttp::status::ok, "{\"status\":\"ready\"}", "application/json"));
}

void upgrade_required(HttpSession& s, Request&& req) { s.send(HttpSession::plain(req, bhttp::status::upgrade_required, "WebSocket upgrade required\n")); }

// Hands the request to src/voice and sends its answer back on this connection's strand.
void voice_webhook(HttpSession& s, Request&& req) {
  ServerContext& ctx = s.context();
  voice::VoiceRequest in{std::string(req.method_string()), std::string(req.target()), std::string(req[bhttp::field::content_type]),
                         std::nullopt, req.body(), s.remote_address()};
  if (auto it = req.find("X-Twilio-Signature"); it != req.end()) in.signature = std::string(it->value());
  auto services = std::make_shared<voice::VoiceServices>(
      voice::VoiceServices{ctx.voice, ctx.guidance.current(), ctx.writer, ctx.metrics, [c = &ctx] { return c->now(); }, ctx.voice_rejections, ctx.voice_replays, &ctx.guidance});
  voice::handle_voice_request(std::move(services), std::move(in), s.on_strand([&s, req = std::move(req)](voice::VoiceResponse out) {
    s.send(HttpSession::plain(req, static_cast<bhttp::status>(out.status), out.body, out.content_type));
  }));
}

// The widget other sites load with a script tag (web/widget.js, with this deployment's settings).
// Cross-Origin-Resource-Policy lets those sites' pages use it; cached briefly, so a changed
// label reaches the sites within minutes. Its own file is not served as is.
void widget(HttpSession& s, Request&& req) {
  auto file = read_static_file(s.context().config.web_root, "/widget.js");
  if (!file) return s.send(HttpSession::plain(req, bhttp::status::not_found, "not found\n"));
  auto res = HttpSession::plain(req, bhttp::status::ok, widget_script(file->body, s.context().config.embed), file->content_type);
  res.set(bhttp::field::cache_control, "public, max-age=600");
  res.set("Cross-Origin-Resource-Policy", "cross-origin");
  res.set("Referrer-Policy", "no-referrer");
  s.send(std::move(res));
}

// The chat page's own files: the staff pages are served by the staff listener only.
bool is_chat_page_file(const std::string& path) {
  for (const char* f : {"/", "/index.html", "/chat.js", "/chat-dom.js", "/chat-cards.js", "/chat-person.js", "/chat-about.js", "/chat.css", "/favicon.ico"})
    if (path == f) return true;
  return false;
}

// Everything else: a WebSocket elsewhere, a method pages do not take, or a page.
void otherwise(HttpSession& s, Request&& req) {
  if (beast::websocket::is_upgrade(req)) return s.send(HttpSession::plain(req, bhttp::status::not_found, "no WebSocket endpoint here; use /v1/chat\n"));
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head)
    return s.send(HttpSession::plain(req, bhttp::status::method_not_allowed, "method not allowed\n"));
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  auto file = is_chat_page_file(path) ? read_static_file(s.context().config.web_root, path) : std::nullopt;
  if (!file) return s.send(HttpSession::plain(req, bhttp::status::not_found, "not found\n"));
  auto res = HttpSession::plain(req, bhttp::status::ok, file->body, file->content_type);
  res.set(bhttp::field::cache_control, "no-cache");
  res.set("Referrer-Policy", "no-referrer");
  // Framed only by this site and the sites configured to embed the chat (embed.allowed_sites,
  // each checked to be an origin, never a directive, when the config was read).
  std::string ancestors = "'self'";
  for (const auto& site : s.context().config.embed.allowed_sites) ancestors += " " + site;
  res.set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors " + ancestors);
  s.send(std::move(res));
}

}  // namespace

const HttpSession::Routes& chat_listener_routes() {
  using K = HttpSession::Route::Kind;
  static const HttpSession::Routes routes{{
                                              {K::websocket, "/v1/chat", false, chat_upgrade},
                                              {K::any_method, "/v1/voice", true, voice_webhook},  // the provider POSTs
                                              {K::read, "/healthz", false, health},
                                              {K::read, "/readyz", false, readiness},
                                              {K::read, "/widget.js", false, widget},
                                              {K::read, "/v1/chat", false, upgrade_required},
                                          },
                                          otherwise};
  return routes;
}

}  // namespace rc
