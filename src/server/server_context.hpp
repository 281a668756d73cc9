// What every connection needs from the server: its configuration, the services the
// composition root gave it, the open sessions and the clock. Passed by reference; no globals.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "connection_cap.hpp"
#include "http/address_list.hpp"
#include "http/exchange.hpp"
#include "server_config.hpp"
#include "metrics/source_tally.hpp"
#include "voice/replay_guard.hpp"
#include "staff/sign_in_guard.hpp"
#include "voice/voice_config.hpp"
#include "metrics/metrics.hpp"
#include "core/engine.hpp"
#include "core/guidance_source.hpp"
#include "protocol/frame_memo.hpp"
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

using Clock = std::function<Millis()>;

// What the composition root gives the server: every part it talks to, all required.
struct ServerServices {
  const VoiceConfig& voice;
  const GuidanceSource& guidance;  // swapped whole by a reload (SIGHUP)
  store::ConversationLog& log;
  store::GroupCommitWriter& writer;  // for work with its own queries (staff sign-in, voice)
  HandoffService& handoffs;
  Metrics& metrics;
  Clock clock;  // the composition root's wall clock (src/cli/wall_clock.hpp)
  Millis resume_window = 24LL * 3600 * 1000;  // how long a resume token is good for (retention.resume_token_hours)
};

struct ServerContext {
  ConnectionCap chats_per_address;  // limits.max_chats_per_address, by client (see trusted_proxies)
  http::AddressList trusted_proxies;
  ServerContext(const ServerConfig& c, ServerServices s)
      : chats_per_address(SIZE_MAX, c.limits.max_chats_per_address ? c.limits.max_chats_per_address : SIZE_MAX),
        trusted_proxies([&] {  // checked when the config was read
          auto parsed = http::AddressList::parse(c.limits.trusted_proxies);
          return parsed ? parsed.value() : http::AddressList{};
        }()),
        config(c), voice(s.voice), guidance(s.guidance), log(s.log), writer(s.writer), handoffs(s.handoffs), metrics(s.metrics), resume_window(s.resume_window), clock_(std::move(s.clock)) {}

  const ServerConfig& config;
  const VoiceConfig& voice;
  const GuidanceSource& guidance;
  store::ConversationLog& log;
  store::GroupCommitWriter& writer;
  HandoffService& handoffs;
  Metrics& metrics;
  Millis resume_window;
  SourceTally voice_rejections;
  voice::ReplayGuard voice_replays;
  protocol::FrameMemo frames;  // the frames every conversation on a guidance set shares
  staff::SignInGuard sign_ins{metrics};  // wrong staff tokens, on every listener
  // The staff listener's work: answers a request off the I/O threads, then calls `done`.
  std::function<void(http::Request, std::function<void(http::Response)>)> staff;
  SessionRegistry sessions;
  std::atomic<int> open_chats{0};
  std::atomic<bool> stopping{false};

  Millis now() const { return clock_(); }

 private:
  Clock clock_;
};

// A wrong staff token was tried from `address` (via "console", "phone_call"...): counted, and
// audited when a row is due (once per address and minute).
void note_failed_sign_in(ServerContext& ctx, const std::string& address, const std::string& via);

}  // namespace rc
