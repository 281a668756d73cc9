// POST /v1/voice/{dialog}: the telephony webhook (docs/voice.md). Checks the provider's
// signature against the configured public URL (403, audited, when it is missing or wrong), then
// on the writer thread loads the call by its CallSid, runs one turn and stores it, and answers
// with TwiML only once the turn is committed. The HTTP session only carries bytes in and out.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/engine.hpp"
#include "core/guidance_source.hpp"
#include "metrics/metrics.hpp"
#include "metrics/source_tally.hpp"
#include "replay_guard.hpp"
#include "voice_config.hpp"

namespace rc::store {
class GroupCommitWriter;
}

namespace rc::voice {

// What the webhook needs from the server that runs it, and nothing more.
struct VoiceServices {
  const VoiceConfig& config;
  std::shared_ptr<const GuidanceSet> guidance;  // as it is when the request arrives
  store::GroupCommitWriter& writer;
  Metrics& metrics;
  std::function<Millis()> now;
  SourceTally& rejections;  // refused requests: audited once per source and minute
  ReplayGuard& replays;     // the same signed request again, after the retry window, is refused
  const GuidanceSource* source = nullptr;  // to carry a call on, after a reload, on the version it began on
};

struct VoiceRequest {
  std::string method;                    // "POST"
  std::string target;                    // path and query, as requested
  std::string content_type;
  std::optional<std::string> signature;  // X-Twilio-Signature
  std::string body;
  std::string remote_address;            // for the audit log
};

struct VoiceResponse {
  int status = 200;
  std::string content_type = "text/xml; charset=utf-8";
  std::string body;
};

using Respond = std::function<void(VoiceResponse)>;

// True for /v1/voice and everything under it.
bool is_voice_path(std::string_view path);

// Calls `respond` exactly once: on this thread, or on the writer's after a commit.
void handle_voice_request(std::shared_ptr<VoiceServices> services, VoiceRequest request, Respond respond);

}  // namespace rc::voice
