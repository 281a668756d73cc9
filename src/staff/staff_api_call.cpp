// The call-guidance page for phone-line staff (web/call.html, call.js, call.css) on the staff
// listener, and /call/config.json. The page talks to the chat WebSocket on the chat listener,
// another port, so its CSP allows WebSocket connections and the config names the port.
#include <httplib.h>

#include "http/static_files.hpp"
#include "staff_api.hpp"

namespace rc::staff {

void StaffApi::serve_call_page(unsigned short chat_port) {
  auto& s = *server_;
  // Not secret: the chat listener is the public one. No token needed to read it.
  s.Get("/call/config.json", [chat_port](const httplib::Request&, httplib::Response& res) {
    res.set_content(nlohmann::json{{"chat_port", chat_port}, {"path", "/v1/chat"}}.dump(), "application/json");
  });
  s.Get(R"(/(call|call\.html|call\.js|call\.css))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string path = req.path == "/call" ? "/call.html" : req.path;
    auto file = read_static_file(config_.web_root, path);
    if (!file) {
      res.status = 404;
      return res.set_content(R"({"error":"not_found","message":"Not found."})", "application/json");
    }
    res.set_header("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'");
    res.set_content(file->body, file->content_type);
  });
}

}  // namespace rc::staff
