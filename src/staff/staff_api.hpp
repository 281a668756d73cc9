// The staff HTTP API, default 127.0.0.1:8081: the review list, transcripts, review notes, CSV
// export, stats, the audit log, /metrics and the staff pages. Bearer tokens; hub roles see only
// their scope (404 outside it); every read is audited. No sockets here: the server's staff
// listener (Beast, server/staff_listener_routes.cpp) reads each request whole, within a
// deadline, and hands it to handle() on its worker pool.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include <atomic>

#include "core/guidance_source.hpp"
#include "core/result.hpp"
#include "handoff/outbox_worker.hpp"
#include "http/address_list.hpp"
#include "http/router.hpp"
#include "metrics/metrics.hpp"
#include "sign_in_guard.hpp"
#include "store/group_commit_writer.hpp"
#include "store/read_connections.hpp"


namespace rc::staff {

// Where the staff API reads from and serves.
struct StaffApiSettings {
  std::shared_ptr<store::ReadConnections> reads;
  std::string web_root;
  std::function<std::int64_t()> now;  // the wall clock, in ms
};

// What the staff API shows of the chat server: its counters for /metrics and the loaded
// guidance for the harm categories.
struct ChatView {
  const GuidanceSource& guidance;
  const Metrics& metrics;
  const std::atomic<int>& open_chats;
};

class StaffApi {
 public:
  // chat: the chat server, for /metrics and the safety categories (may be null in tools and tests).
  StaffApi(StaffApiSettings settings, store::GroupCommitWriter& writer, const ChatView* chat, SignInGuard& sign_ins);
  ~StaffApi();

  // Connector callbacks (POST /v1/connectors/<type>/<name>) and the staff console page, which
  // needs the console listener's port. Call before serving.
  // Callbacks are taken only from `callback_sources` (handoff.callback_sources); others get 404.
  void serve_connectors(handoff::ConnectorSet* connectors, handoff::HandoffControl* control, unsigned short console_port,
                        http::AddressList callback_sources);
  // The call-guidance page (web/call.*) and /call/config.json, which tells it the chat port
  // (known only once the chat listener is bound). Call before serving. See staff_api_call.cpp.
  void serve_call_page(unsigned short chat_port);
  // Answers one request; may block (database reads, audited writes). Thread-safe.
  http::Response handle(http::Request request) const { return router_.handle(std::move(request)); }
  const http::Router& router() const { return router_; }

 private:
  void routes();
  const StaffApiSettings config_;
  store::GroupCommitWriter& writer_;
  const ChatView* chat_;
  SignInGuard& sign_ins_;
  http::Router router_;
};

// GET /v1/me/calls: the staff member's open phone calls, newest first, each with its reference,
// start time and the question it is at (staff_api_call.cpp). `guidance` may be null.
nlohmann::json open_calls_json(store::Db& db, const std::string& staff_id, const GuidanceSet* guidance);

// Runs `work` on the writer thread inside a transaction and waits for the commit.
// Returns an error message, empty on success.
std::string write_and_wait(store::GroupCommitWriter& writer, std::function<void(store::Db&)> work);

}  // namespace rc::staff
