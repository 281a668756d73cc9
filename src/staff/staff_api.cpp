// See staff_api.hpp.
#include "staff_api.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <thread>

#include "store/audit_log.hpp"
#include "store/review_queries.hpp"
#include "http/static_files.hpp"
#include "staff_accounts.hpp"

namespace rc::staff {
namespace {

using json = nlohmann::json;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, {{"error", code}, {"message", message}});
}

const std::string kConversationId = "([0-9a-f]{28})";

}  // namespace

std::string write_and_wait(store::GroupCommitWriter& writer, std::function<void(store::SqliteDb&)> work) {
  auto done = std::make_shared<std::promise<std::string>>();
  auto result = done->get_future();
  writer.submit(std::move(work), [done](bool ok, const std::string& error) { done->set_value(ok ? std::string() : error.empty() ? "write failed" : error); });
  return result.get();
}

StaffApi::StaffApi(StaffApiSettings config, store::GroupCommitWriter& writer, const ChatView* chat)
    : config_(std::move(config)), writer_(writer), chat_(chat), server_(std::make_unique<httplib::Server>()) {
  routes();
}

StaffApi::~StaffApi() = default;

Result<unsigned short> StaffApi::listen(const std::string& address, unsigned short port) {
  int bound = port == 0 ? server_->bind_to_any_port(address) : (server_->bind_to_port(address, port) ? port : -1);
  if (bound <= 0) return make_error("cannot listen on " + address + ":" + std::to_string(port) + " for the staff API");
  return static_cast<unsigned short>(bound);
}

void StaffApi::run() { server_->listen_after_bind(); }
void StaffApi::wait_until_running() {
  for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void StaffApi::stop() { server_->stop(); }

void StaffApi::routes() {
  auto& s = *server_;
  s.set_payload_max_length(64 * 1024);
  s.set_default_headers({{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}, {"X-Frame-Options", "DENY"},
                         {"Referrer-Policy", "no-referrer"}});

  // One read-only connection per request: cheap next to the request, and nothing shared.
  auto reader = [this] { return std::make_unique<store::SqliteDb>(config_.db_path, false, 2000, true); };

  // Who is asking, or a 401 already written.
  auto signed_in = [this, reader](const httplib::Request& req, httplib::Response& res) -> std::optional<StaffMember> {
    const std::string header = req.get_header_value("Authorization");
    std::optional<StaffMember> who;
    if (header.rfind("Bearer ", 0) == 0) {
      try {
        who = authenticate(*reader(), header.substr(7), now_ms());
      } catch (const store::SqliteError& e) {
        send_error(res, 503, "unavailable", "The review database is not available just now.");
        return std::nullopt;
      }
    }
    if (!who) {
      res.set_header("WWW-Authenticate", "Bearer realm=\"rightconv staff\"");
      send_error(res, 401, "unauthorised", "Sign in with a valid staff token.");
    }
    return who;
  };

  // Records the read before the data leaves; no audit record, no data.
  auto audited = [this](const StaffMember& who, const httplib::Request& req, const std::string& action, const json& target) {
    AuditEntry e{now_ms(), who.id, action, target.dump(), req.remote_addr};
    return write_and_wait(writer_, [e](store::SqliteDb& db) { append_audit(db, e); }).empty();
  };

  auto guarded = [signed_in](auto handler) {
    return [signed_in, handler](const httplib::Request& req, httplib::Response& res) {
      auto who = signed_in(req, res);
      if (!who) return;
      try {
        handler(*who, req, res);
      } catch (const store::SqliteError& e) {
        spdlog::error("staff API database error: {}", e.what());
        send_error(res, 503, "unavailable", "The review database is not available just now.");
      }
    };
  };

  s.Get("/v1/conversations", guarded([this, reader, audited](const StaffMember& who, const httplib::Request& req, httplib::Response& res) {
          auto filter = parse_filter(req.params);
          if (!filter) return send_error(res, 400, "bad_filter", filter.error().message);
          Page page = list_conversations(*reader(), *filter, who.area());
          json ids = json::array();
          for (const auto& item : page.items) ids.push_back(item["id"]);
          if (!audited(who, req, "list", {{"filter", filter->to_json()}, {"conversations", ids}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, {{"items", page.items}, {"next_cursor", page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}});
        }));

  s.Get("/v1/conversations.csv", guarded([this, reader, audited](const StaffMember& who, const httplib::Request& req, httplib::Response& res) {
          auto filter = parse_filter(req.params);
          if (!filter) return send_error(res, 400, "bad_filter", filter.error().message);
          const bool with_turns = req.get_param_value("turns") == "1" || req.get_param_value("turns") == "true";
          const std::string csv = export_csv(*reader(), *filter, who.area(), with_turns);
          if (!audited(who, req, "export", {{"filter", filter->to_json()}, {"turns", with_turns}}))
            return send_error(res, 503, "unavailable", "Could not record this export in the audit log, so it was not served.");
          res.set_header("Content-Disposition", "attachment; filename=\"conversations.csv\"");
          res.set_content(csv, "text/csv; charset=utf-8");
        }));

  s.Get("/v1/conversations/" + kConversationId,
        guarded([reader, audited](const StaffMember& who, const httplib::Request& req, httplib::Response& res) {
          auto t = transcript(*reader(), req.matches[1], who.area());
          if (!t) return send_error(res, 404, "not_found", "No such conversation.");
          if (!audited(who, req, "read", {{"conversation", req.matches[1]}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, *t);
        }));

  s.Post("/v1/conversations/" + kConversationId + "/review",
         guarded([this](const StaffMember& who, const httplib::Request& req, httplib::Response& res) {
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
           const std::int64_t now = now_ms();
           const AuditEntry audit{now, who.id, "review", json{{"conversation", id}, {"state", state}}.dump(), req.remote_addr};
           const std::string error = write_and_wait(writer_, [&](store::SqliteDb& db) {
             visible = conversation_visible(db, id, who.area());
             if (!visible) return;
             db.prepared("INSERT INTO review_notes (conversation_id, at, author, state, note) VALUES (?1, ?2, ?3, ?4, ?5)")
                 .bind(1, id).bind(2, now).bind(3, who.id).bind(4, state).bind(5, note).run();
             db.prepared("INSERT INTO reviews (conversation_id, state, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) "
                         "ON CONFLICT (conversation_id) DO UPDATE SET state = ?2, updated_at = ?3, updated_by = ?4")
                 .bind(1, id).bind(2, state).bind(3, now).bind(4, who.id).run();
             append_audit(db, audit);
           });
           if (!error.empty()) return send_error(res, 503, "unavailable", "The review could not be saved just now.");
           if (!visible) return send_error(res, 404, "not_found", "No such conversation.");
           send_json(res, 201, {{"conversation", id}, {"state", state}, {"note", note}, {"author", who.id}, {"at", iso_time(now)}});
         }));

  s.Post("/v1/conversations/" + kConversationId + "/hold",
         guarded([this](const StaffMember& who, const httplib::Request& req, httplib::Response& res) {
           if (!who.is_admin()) return send_error(res, 404, "not_found", "No such conversation.");
           const json body = json::parse(req.body, nullptr, false);
           if (!body.is_object() || !body.contains("hold") || !body["hold"].is_boolean())
             return send_error(res, 400, "bad_request", "Send {\"hold\": true} or {\"hold\": false}.");
           const std::string id = req.matches[1];
           const bool hold = body["hold"];
           bool found = false;
           const AuditEntry audit{now_ms(), who.id, hold ? "hold" : "release_hold", json{{"conversation", id}}.dump(), req.remote_addr};
           const std::string error = write_and_wait(writer_, [&](store::SqliteDb& db) {
             db.prepared("UPDATE conversations SET legal_hold = ?2 WHERE id = ?1").bind(1, id).bind(2, std::int64_t{hold}).run();
             found = db.changes() > 0;
             if (found) append_audit(db, audit);
           });
           if (!error.empty()) return send_error(res, 503, "unavailable", "The hold could not be saved just now.");
           if (!found) return send_error(res, 404, "not_found", "No such conversation.");
           send_json(res, 200, {{"conversation", id}, {"legal_hold", hold}});
         }));

  s.Get("/v1/stats", guarded([reader, audited](const StaffMember& who, const httplib::Request& req, httplib::Response& res) {
          auto filter = parse_filter(req.params);
          if (!filter) return send_error(res, 400, "bad_filter", filter.error().message);
          json body = stats(*reader(), *filter, who.area());
          if (!audited(who, req, "stats", {{"filter", filter->to_json()}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, body);
        }));

  s.Get("/v1/audit", guarded([reader, audited](const StaffMember& who, const httplib::Request& req, httplib::Response& res) {
          if (!who.is_admin()) return send_error(res, 404, "not_found", "Not found.");
          std::int64_t before = std::numeric_limits<std::int64_t>::max();
          if (req.has_param("before")) {
            const std::string v = req.get_param_value("before");
            if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
              return send_error(res, 400, "bad_request", "before: expected an audit row id");
            before = std::stoll(v);
          }
          auto db = reader();
          store::Statement q(db->handle(), "SELECT id, at, actor, action, target, address FROM audit WHERE id < ?1 ORDER BY id DESC LIMIT 200");
          q.bind(1, before);
          json items = json::array();
          std::int64_t last = 0;
          while (q.step()) {
            last = q.integer(0);
            items.push_back({{"id", last}, {"at", iso_time(q.integer(1))}, {"actor", q.text(2)}, {"action", q.text(3)},
                             {"target", json::parse(q.text(4), nullptr, false)}, {"address", q.text(5)}});
          }
          if (!audited(who, req, "audit", {{"before", before}}))
            return send_error(res, 503, "unavailable", "Could not record this read in the audit log, so it was not served.");
          send_json(res, 200, {{"items", items}, {"next_before", items.size() == 200 ? json(last) : json(nullptr)}});
        }));

  s.Get("/metrics", guarded([this, reader](const StaffMember& who, const httplib::Request&, httplib::Response& res) {
          if (!who.is_admin()) return send_error(res, 404, "not_found", "Not found.");
          std::string out;
          if (chat_) {
            const auto& m = chat_->metrics;
            out += "# HELP rightconv_open_connections Open chat connections.\n# TYPE rightconv_open_connections gauge\n";
            out += "rightconv_open_connections " + std::to_string(chat_->open_chats.load()) + "\n";
            out += "# HELP rightconv_connections_total Chat connections accepted.\n# TYPE rightconv_connections_total counter\n";
            out += "rightconv_connections_total " + std::to_string(m.connections_total.load()) + "\n";
            out += "# HELP rightconv_turns_total Client messages answered after a durable write.\n# TYPE rightconv_turns_total counter\n";
            out += "rightconv_turns_total " + std::to_string(m.turns.load()) + "\n";
            out += "# HELP rightconv_write_failures_total Turns refused with server_busy.\n# TYPE rightconv_write_failures_total counter\n";
            out += "rightconv_write_failures_total " + std::to_string(m.write_failures.load()) + "\n";
            m.turn_latency.render(out, "rightconv_turn_latency_seconds", "From a message arriving to its reply being sent.");
            m.db_write_latency.render(out, "rightconv_db_write_latency_seconds", "From a turn reaching the writer to its commit.");
          }
          out += "# HELP rightconv_db_queue_depth Writes waiting for the writer.\n# TYPE rightconv_db_queue_depth gauge\n";
          out += "rightconv_db_queue_depth " + std::to_string(writer_.queue_depth()) + "\n";
          out += "# HELP rightconv_db_commits_total Transactions committed by the writer.\n# TYPE rightconv_db_commits_total counter\n";
          out += "rightconv_db_commits_total " + std::to_string(writer_.commits()) + "\n";
          out += "# HELP rightconv_conversations Conversations in the log by status.\n# TYPE rightconv_conversations gauge\n";
          auto db = reader();
          store::Statement q(db->handle(), "SELECT status, COUNT(*) FROM conversations GROUP BY status");
          while (q.step()) out += "rightconv_conversations{status=\"" + q.text(0) + "\"} " + std::to_string(q.integer(1)) + "\n";
          if (chat_) {
            const auto& m = chat_->metrics;
            auto counter = [&out](const char* name, const char* help, std::uint64_t v) {
              out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " + std::to_string(v) + "\n";
            };
            counter("rightconv_handoffs_requested_total", "Handoffs queued for a person.", m.handoffs_requested.load());
            counter("rightconv_handoffs_accepted_total", "Handoffs a person accepted.", m.handoffs_accepted.load());
            counter("rightconv_handoffs_unavailable_total", "Practitioners given contacts because no one could take it.", m.handoffs_unavailable.load());
            counter("rightconv_outbox_delivered_total", "Outbox events a peer acknowledged.", m.outbox_delivered.load());
            counter("rightconv_outbox_retries_total", "Outbox delivery attempts that will be retried.", m.outbox_retries.load());
            counter("rightconv_outbox_failed_total", "Outbox events given up on or refused for good (alerts).", m.outbox_failed.load());
          }
          {
            store::Statement q(db->handle(), "SELECT status, COUNT(*) FROM outbox GROUP BY status");
            out += "# HELP rightconv_outbox_events Outbox events by status (pending is the depth).\n# TYPE rightconv_outbox_events gauge\n";
            std::map<std::string, std::int64_t> by{{"pending", 0}, {"delivered", 0}, {"failed", 0}};
            while (q.step()) by[q.text(0)] = q.integer(1);
            for (const auto& [status, n] : by) out += "rightconv_outbox_events{status=\"" + status + "\"} " + std::to_string(n) + "\n";
          }
          res.set_content(out, "text/plain; version=0.0.4");
        }));

  // The harm categories the safety detector names, for the review page's filter. Content, not
  // anyone's data: not audited.
  s.Get("/v1/safety/categories", guarded([this](const StaffMember&, const httplib::Request&, httplib::Response& res) {
          json out = json::array();
          if (chat_)
            for (const auto& c : chat_->guidance.content.safety.detector_rules.categories)
              out.push_back({{"id", c.id}, {"label", c.label}, {"level", c.level}});
          send_json(res, 200, {{"categories", std::move(out)}});
        }));

  // Who the token belongs to: lets a page show the name and the admin views. Not a read of
  // anyone's data, so not audited.
  s.Get("/v1/me", guarded([](const StaffMember& who, const httplib::Request&, httplib::Response& res) {
          send_json(res, 200, {{"id", who.id}, {"name", who.display_name}, {"role", who.role}, {"area", who.area().empty() ? json(nullptr) : json(who.area())}});
        }));

  // Anything unmatched (or a handler that set no body) answers in the same JSON shape.
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) send_error(res, 404, "not_found", "Not found.");
    else send_error(res, res.status, "error", "The request could not be handled.");
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_error(res, 500, "internal", "Something went wrong on the server.");
  });

  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("{\"status\":\"ok\"}", "application/json"); });

  // The review page and its assets (static, no build step).
  s.Get(R"(/(|review\.html|review\.js|review\.css|favicon\.ico))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string path = req.path == "/" ? "/review.html" : req.path;
    auto file = read_static_file(config_.web_root, path);
    if (!file) return send_error(res, 404, "not_found", "Not found.");
    res.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    res.set_content(file->body, file->content_type);
  });
}

void StaffApi::serve_connectors(handoff::ConnectorSet* connectors, handoff::HandoffControl* control, unsigned short console_port) {
  auto& s = *server_;
  // A peer's callback: the connector checks it (signature, timestamp) and applies it.
  s.Post(R"(/v1/connectors/([a-z_]+)/([A-Za-z0-9_.-]{1,64}))", [connectors, control](const httplib::Request& req, httplib::Response& res) {
    auto it = connectors->find(req.matches[2]);
    // The path names the type too, so a callback cannot reach a connector of another kind.
    if (it != connectors->end() && it->second.type != req.matches[1].str()) it = connectors->end();
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
  s.Get("/console/config.json", [console_port](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, {{"console_port", console_port}, {"path", "/v1/staff"}});
  });
  s.Get(R"(/(console|console\.html|console\.js|console\.css))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string path = req.path == "/console" ? "/console.html" : req.path;
    auto file = read_static_file(config_.web_root, path);
    if (!file) return send_error(res, 404, "not_found", "Not found.");
    res.set_header("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'");
    res.set_content(file->body, file->content_type);
  });
}

}  // namespace rc::staff
