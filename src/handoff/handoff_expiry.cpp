// Expiring stale requests (HandoffService::expire_stale): a practitioner who left a request
// waiting and whose chat link has lapsed can never see an answer, so the request leaves the
// queue with a reason instead of waiting there for ever.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "handoff_service.hpp"
#include "handoff_store.hpp"
#include "protocol/protocol.hpp"
#include "store/sqlite_conversation_log.hpp"

namespace rc {

using json = nlohmann::json;

namespace {

std::string expiry_reason(Millis resume_window) {
  const Millis hours = std::max<Millis>(1, resume_window / 3600000);
  return "The practitioner left and can no longer come back to this chat (their link lapses " + std::to_string(hours) +
         (hours == 1 ? " hour" : " hours") + " after it started).";
}

}  // namespace

void HandoffService::expire_stale() {
  struct Expired {
    std::string reference, queue;
  };
  auto expired = std::make_shared<std::vector<Expired>>();
  const Millis now = now_();
  const std::string reason = expiry_reason(resume_window_);
  writer_.submit(
      [this, expired, now, reason](store::Db& db) {
        expired->clear();
        store::Record record;
        const auto lapsed = lapsed_requests(db, now - resume_window_);
        const auto elsewhere = lapsed.empty() ? std::unordered_set<std::string>{} : online_elsewhere(db, now);
        for (const auto& r : lapsed) {
          if (online(r.conversation_id, elsewhere)) continue;  // still here: it waits on
          record.handoff_changes.push_back({.reference = r.reference, .from = {store::HandoffState::requested}, .to = store::HandoffState::expired,
                                            .at = now, .ended_by = "server", .closed_reason = reason});
          json frame = protocol::handoff_json("expired", r.reference, now);
          frame["reason"] = reason;
          record.turns.push_back({.conversation_id = r.conversation_id, .at = now, .node = "handoff", .direction = "out",
                                  .message = "[" + protocol::serialise(std::move(frame), std::nullopt) + "]"});
          for (auto& o : events("cancelled", r.reference, r.conversation_id, r.route, r.queue, {{"by", "server"}, {"reason", "expired"}}, now))
            record.outbox.push_back(std::move(o));
          expired->push_back({r.reference, r.queue});
        }
        if (!expired->empty()) store::SqliteConversationLog::apply(db, record);
      },
      [this, expired, reason](const store::WriteResult& result) {
        if (!result.ok()) {
          if (!expired->empty()) spdlog::error("could not expire {} stale handoff request(s): {}", expired->size(), result.message);
          return;
        }
        if (expired->empty()) return;
        if (outbox_) outbox_->wake();
        for (const auto& e : *expired) {
          spdlog::info("handoff {} expired: its practitioner is gone and their chat link has lapsed", e.reference);
          hub_.to_consoles(e.queue, {{"type", "queue_changed"}, {"reference", e.reference}, {"event", "expired"}, {"reason", reason}});
        }
      });
}

}  // namespace rc
