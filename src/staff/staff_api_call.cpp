// The call-guidance page for phone-line staff (web/call.html, call.js, call.css) on the staff
// listener, and /call/config.json. The page talks to the chat WebSocket on the chat listener,
// another port, so its CSP allows WebSocket connections and the config names the port. Also the
// body of GET /v1/me/calls: the open calls the page offers to resume.

#include "core/engine.hpp"
#include "core/state_json.hpp"
#include "http/static_files.hpp"
#include "staff_api.hpp"
#include "store/open_call_queries.hpp"
#include "store/review_queries.hpp"

namespace rc::staff {

namespace {

// The question (or outcome) the call is at, as the page showed it; null once the dialog has changed.
nlohmann::json where_it_is(const store::OpenCall& call, const GuidanceSet* guidance) {
  const Dialog* dialog = guidance ? guidance->find(call.dialog_id) : nullptr;
  if (!dialog || dialog->content_hash != call.dialog_version) return nullptr;
  auto state = state_from_json(nlohmann::json::parse(call.state, nullptr, false));
  const Node* node = state ? dialog->find(state->current) : nullptr;
  if (!node) return nullptr;
  return filled_text(state->finished ? node->title : node->text, guidance->content);
}

}  // namespace

nlohmann::json open_calls_json(store::Db& db, const std::string& staff_id, const GuidanceSet* guidance) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& call : store::open_calls_of(db, staff_id)) {
    const nlohmann::json at = where_it_is(call, guidance);
    out.push_back({{"conversation", call.conversation_id}, {"reference", call.reference}, {"started_at", iso_time(call.started_at)},
                   {"question", at}, {"resumable", !at.is_null()}});
  }
  return out;
}

void StaffApi::serve_call_page(unsigned short chat_port) {
  auto& s = router_;
  // Not secret: the chat listener is the public one. No token needed to read it.
  s.Get("/call/config.json", [chat_port](const http::Request&, http::Response& res) {
    res.set_content(nlohmann::json{{"chat_port", chat_port}, {"path", "/v1/chat"}}.dump(), "application/json");
  });
  s.Get(R"(/(call|call\.html|call\.js|call\.css))", [this](const http::Request& req, http::Response& res) {
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
