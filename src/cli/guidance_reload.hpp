// SIGHUP: reads the dialogs and content again and swaps them in only if the new set checks out
// whole (no errors, every dialog still there, every handoff route's contacts defined). A bad
// edit is refused and logged with its file and line; the running version stays.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config.hpp"
#include "core/guidance_source.hpp"
#include "store/conversation_log.hpp"

namespace rc::cli {

// Records each dialog's text in the log (dialog_versions), so review and replay can show the
// exact tree any conversation ran on. Done at start and before a reloaded set is served.
void remember_dialogs(store::ConversationLog& log, const GuidanceSet& guidance, std::int64_t now);

// The reasons `next` may not replace `running` (none when it may).
std::vector<std::string> reload_refusal(const Config& config, const GuidanceSet& running, const GuidanceSet& next);

class GuidanceReload {
 public:
  GuidanceReload(const Config& config, GuidanceSource& source, store::ConversationLog& log, std::function<std::int64_t()> now)
      : config_(config), source_(source), log_(log), now_(std::move(now)) {}

  // True if a new set is now served. One reload at a time; never throws (it runs on a pool thread).
  bool operator()();

 private:
  const Config& config_;
  GuidanceSource& source_;
  store::ConversationLog& log_;
  std::function<std::int64_t()> now_;
  std::mutex running_;
  bool reload();
};

}  // namespace rc::cli
