// See staff_api.hpp.
#include "staff_api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "core/json_text.hpp"
#include "handoff/handoff_store.hpp"
#include "store/audit_log.hpp"
#include "store/db_errors.hpp"
#include "store/review_queries.hpp"
#include "store/review_writes.hpp"
#include "http/static_files.hpp"
#include "staff_account_store.hpp"

namespace rc::staff {
namespace {

using json = nlohmann::json;

void send_json(http::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(http::Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, {{"error", code}, {"message", message}});
}

const std::string kConversationId = "([0-9a-f]{28})";

}  // namespace

std::string write_and_wait(store::GroupCommitWriter& writer, std::function<void(store::Db&)> work) {
  auto done = std::make_shared<std::promise<std::string>>();
  auto result = done->get_future();
  writer.submit(std::move(work), [done](const store::WriteResult& r) { done->set_value(r.ok() ? std::string() : r.message.empty() ? "write failed" : r.message); });
  return result.get();
}

StaffApi::StaffApi(StaffApiSettings config, store::GroupCommitWriter& writer, const ChatView* chat, SignInGuard& sign_ins)
    : config_(std::move(config)), writer_(writer), chat_(chat), sign_ins_(sign_ins) {
  routes();
}

StaffApi::~StaffApi() = default;

void StaffApi::routes() {
  auto& s = router_;
  s.set_default_headers({{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}, {"X-Frame-Options", "DENY"},
                         {"Referrer-Policy", "no-referrer"}});

  // A read-only connection for one request (store/read_connections.hpp).
  auto reader = [this] { return config_.reads->get(); };

  // Who is asking, or a 401 already written.
  auto signed_in = [this, reader](const http::Request& req, http::Response& res) -> std::optional<StaffMember> {
    const std::string header = req.get_header_value("Authorization");
    std::optional<StaffMember> who;
    const std::int64_t now = config_.now();
    if (sign_ins_.blocked(req.remote_addr, now)) {
      res.set_header("Retry-After", "60");
      send_error(res, 429, "too_many_attempts", "Too many failed sign-ins from this address: wait a minute.");
      return std::nullopt;
    }
    if (header.rfind("Bearer ", 0) == 0) {
      try {
        who = authenticate(*reader(), header.substr(7), now);
      } catch (const store::DbError& e) {
        spdlog::error("staff API database error while signing in: {}", e.what());
        if (store::is_unavailable(e)) send_error(res, 503, "unavailable", "The review database is not available just now.");
        else send_error(res, 500, "internal", "Something went wrong on the server.");
        return std::nullopt;
      }
    }
    if (!who) {
      if (auto audit = sign_ins_.failed(req.remote_addr, "staff_api", now)) write_and_wait(writer_, [e = *audit](store::Db& db) { append_audit(db, e); });
      res.set_header("WWW-Authenticate", "Bearer realm=\"rightconv staff\"");
      send_error(res, 401, "unauthorised", "Sign in with a valid staff token.");
    }
    return who;
  };

  // Records the read before the data leaves; no audit record, no data.
  auto audited = [this](const StaffMember& who, const http::Request& req, const std::string& action, const json& target) {
    AuditEntry e{config_.now(), who.id, action, target.dump(), req.remote_addr};
    return write_and_wait(writer_, [e](store::Db& db) { append_audit(db, e); }).empty();
  };

  auto guarded = [signed_in](auto handler) {
    return [signed_in, handler](const http::Request& req, http::Response& res) {
      auto who = signed_in(req, res);
      if (!who) return;
      try {
        handler(*who, req, res);
      } catch (const store::DbError& e) {
        spdlog::error("staff API database error: {}", e.what());
        // Unreachable: try again later. A statement the database refused is our fault: say so.
        if (store::is_unavailable(e)) send_error(res, 503, "unavailable", "The review database is not available just now.");
        else send_error(res, 500, "internal", "Something went wrong on the server.");
      }
    };
  };

  s.Get("/v1/conversations", guarded([this, reader, audited](const StaffMember& who, const http::Request& req, http::Response& res) {
          auto filter = parse_filter(req.params);
          if (!filter) return send_error(res, 400, "bad_filter", filter.error().message);
          Page page = list_conversations(*reader(), *filter, who.scope());
          json ids = json::array();
          for (const auto& item : page.items) ids.push_back(item["id"]);
          if (!audited(who, req, "list", {{"filter", filter->to_json()}, {"conversations", ids}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, {{"items", page.items}, {"next_cursor", page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}});
        }));

  s.Get("/v1/conversations.csv", guarded([this, reader, audited](const StaffMember& who, const http::Request& req, http::Response& res) {
          auto filter = parse_filter(req.params);
          if (!filter) return send_error(res, 400, "bad_filter", filter.error().message);
          const bool with_turns = req.get_param_value("turns") == "1" || req.get_param_value("turns") == "true";
          const std::string csv = export_csv(*reader(), *filter, who.scope(), with_turns);
          if (!audited(who, req, "export", {{"filter", filter->to_json()}, {"turns", with_turns}}))
            return send_error(res, 503, "unavailable", "Could not record this export in the audit log, so it was not served.");
          res.set_header("Content-Disposition", "attachment; filename=\"conversations.csv\"");
          res.set_content(csv, "text/csv; charset=utf-8");
        }));

  s.Get("/v1/conversations/" + kConversationId,
        guarded([reader, audited](const StaffMember& who, const http::Request& req, http::Response& res) {
          auto t = transcript(*reader(), req.matches[1], who.scope());
          if (!t) return send_error(res, 404, "not_found", "No such conversation.");
          if (!audited(who, req, "read", {{"conversation", req.matches[1]}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, *t);
        }));

  s.Post("/v1/conversations/" + kConversationId + "/review",
         guarded([this](const StaffMember& who, const http::Request& req, http::Response& res) {
           if (has_nul_escape(req.body)) return send_error(res, 400, "bad_request", "Text may not contain the NUL character (\\u0000).");
           const json body = json::parse(req.body, nullptr, false);
           if (!body.is_object() || !body.contains("state") || !body["state"].is_string())
             return send_error(res, 400, "bad_request", "Send {\"state\": \"new|in_progress|reviewed|needs_follow_up\", \"note\": \"...\"}.");
           if (body.contains("note") && !body["note"].is_string()) return send_error(res, 400, "bad_request", "note must be text.");
           const std::string state = body["state"];
           const std::string note = body.contains("note") ? body["note"].get<std::string>() : std::string();
           if (state != "new" && state != "in_progress" && state != "reviewed" && state != "needs_follow_up")
             return send_error(res, 400, "bad_request", "state must be new, in_progress, reviewed or needs_follow_up.");
           if (note.size() > 4000) return send_error(res, 400, "bad_request", "A note is at most 4000 characters.");
           const std::string id = req.matches[1];
           bool visible = false;
           const std::int64_t now = config_.now();
           const AuditEntry audit{now, who.id, "review", json{{"conversation", id}, {"state", state}}.dump(), req.remote_addr};
           const std::string error = write_and_wait(writer_, [&](store::Db& db) {
             visible = conversation_visible(db, id, who.scope());
             if (!visible) return;
             save_review(db, {.conversation_id = id, .author = who.id, .state = state, .note = note, .at = now});
             append_audit(db, audit);
           });
           if (!error.empty()) return send_error(res, 503, "unavailable", "The review could not be saved just now.");
           if (!visible) return send_error(res, 404, "not_found", "No such conversation.");
           send_json(res, 201, {{"conversation", id}, {"state", state}, {"note", note}, {"author", who.id}, {"at", iso_time(now)}});
         }));

  s.Post("/v1/conversations/" + kConversationId + "/hold",
         guarded([this](const StaffMember& who, const http::Request& req, http::Response& res) {
           if (!who.is_admin()) return send_error(res, 404, "not_found", "No such conversation.");
           if (has_nul_escape(req.body)) return send_error(res, 400, "bad_request", "Text may not contain the NUL character (\\u0000).");
           const json body = json::parse(req.body, nullptr, false);
           if (!body.is_object() || !body.contains("hold") || !body["hold"].is_boolean())
             return send_error(res, 400, "bad_request", "Send {\"hold\": true} or {\"hold\": false}.");
           const std::string id = req.matches[1];
           const bool hold = body["hold"];
           bool found = false;
           const AuditEntry audit{config_.now(), who.id, hold ? "hold" : "release_hold", json{{"conversation", id}}.dump(), req.remote_addr};
           const std::string error = write_and_wait(writer_, [&](store::Db& db) {
             found = set_legal_hold(db, id, hold);
             if (found) append_audit(db, audit);
           });
           if (!error.empty()) return send_error(res, 503, "unavailable", "The hold could not be saved just now.");
           if (!found) return send_error(res, 404, "not_found", "No such conversation.");
           send_json(res, 200, {{"conversation", id}, {"legal_hold", hold}});
         }));

  s.Get("/v1/stats", guarded([reader, audited](const StaffMember& who, const http::Request& req, http::Response& res) {
          auto filter = parse_filter(req.params);
          if (!filter) return send_error(res, 400, "bad_filter", filter.error().message);
          json body = stats(*reader(), *filter, who.scope());
          if (!audited(who, req, "stats", {{"filter", filter->to_json()}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, body);
        }));

  s.Get("/v1/audit", guarded([reader, audited](const StaffMember& who, const http::Request& req, http::Response& res) {
          if (!who.is_admin()) return send_error(res, 404, "not_found", "Not found.");
          std::int64_t before = std::numeric_limits<std::int64_t>::max();
          if (req.has_param("before")) {
            const std::string v = req.get_param_value("before");
            if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
              return send_error(res, 400, "bad_request", "before: expected an audit row id");
            before = std::stoll(v);
          }
          const json items = audit_page(*reader(), before, 200);
          const json last = items.empty() ? json(0) : items.back()["id"];
          if (!audited(who, req, "audit", {{"before", before}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, {{"items", items}, {"next_before", items.size() == 200 ? last : json(nullptr)}});
        }));

  s.Get("/metrics", guarded([this, reader](const StaffMember& who, const http::Request&, http::Response& res) {
          if (!who.is_admin()) return send_error(res, 404, "not_found", "Not found.");
          // Each part's own counters, then the log's.
          std::string out;
          if (chat_) chat_->metrics.render(out, chat_->open_chats.load());
          render_metric(out, "rightconv_db_queue_depth", "gauge", "Writes waiting for the writer.", writer_.queue_depth());
          render_metric(out, "rightconv_db_commits_total", "counter", "Transactions committed by the writer.", writer_.commits());
          render_metric(out, "rightconv_db_wal_bytes", "gauge", "Size of the database's write-ahead log.", writer_.wal_bytes());
          auto db = reader();
          render_labelled(out, "rightconv_conversations", "Conversations in the log by status.", "status", conversations_by_status(*db));
          auto outbox = outbox_by_status(*db);
          for (const char* status : {"pending", "delivered", "failed"}) outbox.emplace(status, 0);
          render_labelled(out, "rightconv_outbox_events", "Outbox events by status (pending is the depth).", "status", outbox);
          // Handoffs waiting for a person (requested, not yet accepted; the store's, so every instance
          // shows the same), and how long the oldest has waited.
          std::int64_t waiting = 0, oldest_wait_ms = 0;
          const std::int64_t now = config_.now();
          for (const auto& h : open_handoffs(*db, "")) {
            if (h.at("status") != "requested") continue;
            ++waiting;
            oldest_wait_ms = std::max(oldest_wait_ms, now - h.at("waiting_since_ms").get<std::int64_t>());
          }
          render_metric(out, "rightconv_handoffs_waiting", "gauge", "Handoffs waiting for a person to accept them.", static_cast<double>(waiting));
          render_metric(out, "rightconv_handoff_oldest_wait_seconds", "gauge", "How long the oldest waiting handoff has waited (0: none waiting).",
                        static_cast<double>(oldest_wait_ms) / 1000.0);
          // The audit chain's head, outside the table: rightconv audit verify --anchor ID:HASH.
          const auto head = audit_head(*db);
          render_labelled(out, "rightconv_audit_head", "The newest audit row's id (the label is its hash).", "hash", {{head.hash, head.id}});
          res.set_content(out, "text/plain; version=0.0.4");
        }));

  // The harm categories the safety detector names, for the review page's filter. Content, not
  // anyone's data: not audited.
  s.Get("/v1/safety/categories", guarded([this](const StaffMember&, const http::Request&, http::Response& res) {
          json out = json::array();
          if (chat_)
            for (const auto& c : chat_->guidance.current()->content.safety.detector_rules.categories)
              out.push_back({{"id", c.id}, {"label", c.label}, {"level", c.level}});
          send_json(res, 200, {{"categories", std::move(out)}});
        }));

  // The words for codes the review page shows: wrap-up codes by label, and each dialog's questions
  // in the order the dialog asks them (for the funnel). Content, not anyone's data: not audited.
  s.Get("/v1/labels", guarded([this](const StaffMember&, const http::Request&, http::Response& res) {
          json codes = json::array(), questions = json::array();
          if (chat_) {
            const auto guidance = chat_->guidance.current();
            for (const auto& [id, c] : guidance->content.wrap_up_codes) codes.push_back({{"id", id}, {"label", c.label}});
            for (const auto& d : guidance->dialogs)
              for (const auto& n : d.nodes)
                if (n.kind == NodeKind::question) questions.push_back({{"dialog", d.id}, {"node", n.id}, {"text", n.text}});
          }
          send_json(res, 200, {{"wrap_up_codes", std::move(codes)}, {"questions", std::move(questions)}});
        }));

  // Who the token belongs to: lets a page show the name and the admin views. Not a read of
  // anyone's data, so not audited.
  s.Get("/v1/me", guarded([](const StaffMember& who, const http::Request&, http::Response& res) {
          send_json(res, 200, {{"id", who.id}, {"name", who.display_name}, {"role", who.role}, {"area", who.area().empty() ? json(nullptr) : json(who.area())}});
        }));

  // The caller's own open phone calls, for the call page's "Resume the call in progress". They
  // are their calls, but still conversations about a child: audited like any list.
  s.Get("/v1/me/calls", guarded([this, reader, audited](const StaffMember& who, const http::Request& req, http::Response& res) {
          const auto guidance = chat_ ? chat_->guidance.current() : nullptr;
          json calls = open_calls_json(*reader(), who.id, guidance.get());
          json ids = json::array();
          for (const auto& c : calls) ids.push_back(c["conversation"]);
          if (!audited(who, req, "my_calls", {{"conversations", ids}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, {{"calls", std::move(calls)}});
        }));

  // Anything unmatched (or a handler that set no body) answers in the same JSON shape.
  s.set_error_handler([](const http::Request&, http::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) send_error(res, 404, "not_found", "Not found.");
    else send_error(res, res.status, "error", "The request could not be handled.");
  });
  s.set_exception_handler([](const http::Request&, http::Response& res) {
    send_error(res, 500, "internal", "Something went wrong on the server.");
  });

  s.Get("/healthz", [](const http::Request&, http::Response& res) { res.set_content("{\"status\":\"ok\"}", "application/json"); });

  // The review page and its assets (static, no build step).
  s.Get(R"(/(|review\.html|review\.js|review\.css|favicon\.ico))", [this](const http::Request& req, http::Response& res) {
    const std::string path = req.path == "/" ? "/review.html" : req.path;
    auto file = read_static_file(config_.web_root, path);
    if (!file) return send_error(res, 404, "not_found", "Not found.");
    res.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    res.set_content(file->body, file->content_type);
  });
}

void StaffApi::serve_connectors(handoff::ConnectorSet* connectors, handoff::HandoffControl* control, unsigned short console_port,
                                http::AddressList callback_sources) {
  auto& s = router_;
  // A peer's callback: the connector checks it (signature, timestamp) and applies it.
  s.Post(R"(/v1/connectors/([a-z_]+)/([A-Za-z0-9_.-]{1,64}))", [connectors, control, callback_sources](const http::Request& req, http::Response& res) {
    // Only the case systems' network may post here; anyone else sees no such path.
    if (!callback_sources.allows(req.remote_addr)) return send_error(res, 404, "not_found", "Not found.");
    auto it = connectors->find(req.matches[2]);
    // The path names the type too, so a callback cannot reach a connector of another kind.
    if (it != connectors->end() && it->second.type != req.matches[1]) it = connectors->end();
    if (it == connectors->end() || req.body.size() > 64 * 1024)
      return send_error(res, it == connectors->end() ? 404 : 413, it == connectors->end() ? "not_found" : "too_large",
                        it == connectors->end() ? "No such connector." : "The body is too large.");
    handoff::CallbackRequest cb;
    for (const auto& [name, value] : req.headers) {
      std::string lower = name;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      cb.headers[lower] = value;
    }
    cb.body = req.body;
    cb.remote_address = req.remote_addr;
    auto reply = it->second.connector->callback(cb, *control);
    res.status = reply.status;
    res.set_content(reply.body.empty() ? std::string("{}") : reply.body, "application/json");
  });
  // The console page learns where the console WebSocket listens.
  s.Get("/console/config.json", [console_port](const http::Request&, http::Response& res) {
    send_json(res, 200, {{"console_port", console_port}, {"path", "/v1/staff"}});
  });
  s.Get(R"(/(console|console\.html|console\.js|console\.css))", [this](const http::Request& req, http::Response& res) {
    const std::string path = req.path == "/console" ? "/console.html" : req.path;
    auto file = read_static_file(config_.web_root, path);
    if (!file) return send_error(res, 404, "not_found", "Not found.");
    res.set_header("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'");
    res.set_content(file->body, file->content_type);
  });
}

}  // namespace rc::staff
