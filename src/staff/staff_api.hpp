// The staff HTTP API (cpp-httplib) on its own listener, default 127.0.0.1:8081: the review
// list, transcripts, review notes, CSV export, stats, the audit log, /metrics and the review
// page. Bearer tokens; hub roles see only their area (404 outside it); every read is audited.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "server/config.hpp"
#include "server/server_context.hpp"
#include "handoff/outbox_worker.hpp"
#include "store/group_commit_writer.hpp"

namespace httplib {
class Server;
}

namespace rc::staff {

class StaffApi {
 public:
  // chat: the chat server's context, for /metrics (may be null in tools and tests).
  StaffApi(const Config& config, store::GroupCommitWriter& writer, const ServerContext* chat);
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
  const Config& config_;
  store::GroupCommitWriter& writer_;
  const ServerContext* chat_;
  std::unique_ptr<httplib::Server> server_;
};

// Runs `work` on the writer thread inside a transaction and waits for the commit.
// Returns an error message, empty on success.
std::string write_and_wait(store::GroupCommitWriter& writer, std::function<void(store::SqliteDb&)> work);

}  // namespace rc::staff
