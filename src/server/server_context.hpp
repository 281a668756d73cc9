// What every connection needs from the server: configuration, the loaded guidance, the
// conversation log, the open sessions and the clock. Passed by reference; no globals.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "config.hpp"
#include "metrics/metrics.hpp"
#include "core/engine.hpp"
#include "core/guidance_set.hpp"
#include "store/conversation_log.hpp"

namespace rc::store {
class GroupCommitWriter;
}

namespace rc {

class ChatSession;
class HandoffService;

// The open chat sessions, so a shutdown can tell each one to close.
class SessionRegistry {
 public:
  void add(const std::shared_ptr<ChatSession>& s);
  void remove(const ChatSession* s);
  std::vector<std::shared_ptr<ChatSession>> snapshot() const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<const ChatSession*, std::weak_ptr<ChatSession>> sessions_;
};

struct ServerContext {
  ServerContext(const Config& c, const GuidanceSet& g, store::ConversationLog& l) : config(c), guidance(g), log(l) {}

  const Config& config;
  const GuidanceSet& guidance;
  store::ConversationLog& log;
  store::GroupCommitWriter* writer = nullptr;  // for endpoints with their own queries (voice); null in tools
  HandoffService* handoffs = nullptr;          // null when the server runs without handoff (tools, some tests)
  SessionRegistry sessions;
  std::atomic<int> open_chats{0};
  std::atomic<bool> stopping{false};
  Metrics metrics;

  Millis now() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
};

}  // namespace rc
