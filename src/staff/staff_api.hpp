// The staff HTTP API (cpp-httplib) on its own listener, default 127.0.0.1:8081: the review
// list, transcripts, review notes, CSV export, stats, the audit log, /metrics and the review
// page. Bearer tokens; hub roles see only their area (404 outside it); every read is audited.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include <atomic>

#include "core/guidance_set.hpp"
#include "core/result.hpp"
#include "handoff/outbox_worker.hpp"
#include "metrics/metrics.hpp"
#include "store/group_commit_writer.hpp"

namespace httplib {
class Server;
}

namespace rc::staff {

// Where the staff API reads from and serves.
struct StaffApiSettings {
  std::string db_path;
  std::string web_root;
};

// What the staff API shows of the chat server: its counters for /metrics and the loaded
// guidance for the harm categories.
struct ChatView {
  const GuidanceSet& guidance;
  const Metrics& metrics;
  const std::atomic<int>& open_chats;
};

class StaffApi {
 public:
  // chat: the chat server, for /metrics and the safety categories (may be null in tools and tests).
  StaffApi(StaffApiSettings settings, store::GroupCommitWriter& writer, const ChatView* chat);
  ~StaffApi();

  Result<unsigned short> listen(const std::string& address, unsigned short port);
  // Connector callbacks (POST /v1/connectors/<type>/<name>) and the staff console page, which
  // needs the console listener's port. Call before run().
  void serve_connectors(handoff::ConnectorSet* connectors, handoff::HandoffControl* control, unsigned short console_port);
  // The call-guidance page (web/call.*) and /call/config.json, which tells it the chat port
  // (known only once the chat listener is bound). Call before run(). See staff_api_call.cpp.
  void serve_call_page(unsigned short chat_port);
  void run();   // blocks until stop()
  // Waits (up to a few seconds) until run() is serving: cpp-httplib ignores a stop() before that.
  void wait_until_running();
  void stop();

 private:
  void routes();
  const StaffApiSettings config_;
  store::GroupCommitWriter& writer_;
  const ChatView* chat_;
  std::unique_ptr<httplib::Server> server_;
};

// Runs `work` on the writer thread inside a transaction and waits for the commit.
// Returns an error message, empty on success.
std::string write_and_wait(store::GroupCommitWriter& writer, std::function<void(store::SqliteDb&)> work);

}  // namespace rc::staff
