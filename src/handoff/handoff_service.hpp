// The handoff state machine around the database: requested -> accepted -> ended, or
// cancelled by the practitioner, with "unavailable" told when no one accepts in time. Every
// change is one transaction with the turn it causes and the outbox events it queues; the
// live notices (practitioner, consoles) go out only after the commit.
//
// Practitioner-side changes are planned here and committed by the chat session with its own
// turn (commit before reply); staff-side changes (console, connector callbacks) are done here.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "connector.hpp"
#include "core/guidance_source.hpp"
#include "handoff_hub.hpp"
#include "handoff_request.hpp"
#include "outbox_worker.hpp"
#include "handoff/handoff_config.hpp"
#include "metrics/metrics.hpp"
#include "store/conversation_log.hpp"
#include "store/group_commit_writer.hpp"

namespace rc {

// A signed-in staff member acting in the console.
struct ConsoleStaff {
  std::string id, display_name, scope;  // scope: their hub's queue, or "" (admin: every queue)
  std::string address;
};

class HandoffService : public handoff::HandoffControl {
 public:
  // `resume_window`: how long a practitioner's chat link is good for (retention.resume_token_hours);
  // a request whose practitioner is gone past it is expired (expire_stale).
  HandoffService(const HandoffConfig& config, const GuidanceSource& guidance, store::GroupCommitWriter& writer, HandoffHub& hub,
                 handoff::ConnectorSet& connectors, std::function<Millis()> now, Metrics& metrics, Millis resume_window);

  void set_outbox(handoff::OutboxWorker* outbox) { outbox_ = outbox; }
  // Instances share the store: a practitioner connected to another live instance counts as
  // online here too (the queue's flag, expiry). `instance` is this one's name. Before serving.
  void share_presence(std::string instance) { shared_instance_ = std::move(instance); }
  HandoffHub& hub() { return hub_; }

  // --- practitioner side: what the chat session writes with its turn ---
  struct Plan {
    std::string reference;
    const HandoffRoute* route = nullptr;
    HandoffFacts facts;
    std::vector<ContactView> contacts;  // for "unavailable"
    bool unavailable_now = false;       // contacts only, or no connector can take it
    Millis deadline = 0;
    store::HandoffOpen open;
    std::vector<store::OutboxRow> outbox;
  };
  // `conversation_reference`: the conversation's readable reference, for the summary connectors get.
  Plan plan_request(const Dialog& dialog, const State& state, const std::string& conversation_id, const std::string& conversation_reference,
                    const std::string& channel, const std::string& reason_redacted, const std::string& reason_raw, Millis now) const;
  // One outbox row per connector of the route that takes this kind (minus `except`).
  std::vector<store::OutboxRow> events(const std::string& kind, const std::string& reference, const std::string& conversation_id,
                                       const std::string& route_name, const std::string& queue, const nlohmann::json& data, Millis now,
                                       const std::string& except = "") const;
  // The contacts for "unavailable" on a route (by name; Duty and Advice if the route is gone).
  std::vector<ContactView> contacts_for(const std::string& route_name) const;
  std::string queue_of(const std::string& route_name) const;
  // After the chat session committed a change: wake the outbox, tell the consoles.
  void practitioner_changed(const std::string& reference, const std::string& queue, const std::string& what);
  // After the chat session committed a live message (logged `at`): to the staff member who has the handoff.
  void practitioner_message(const std::string& reference, const std::string& conversation_id, const std::string& text, bool safety_alert, Millis at);
  // The practitioner is typing: to the staff member who has the handoff (never logged).
  void practitioner_typing(const std::string& reference);

  // Closes every waiting request whose practitioner is not connected and can no longer come
  // back (their chat link, good for the resume window from the conversation's start, has
  // lapsed): status "expired" with the reason, logged in the transcript, connectors told
  // "cancelled", consoles told (handoff_expiry.cpp). Safe to call often.
  void expire_stale();
  // --- staff side: connectors (HandoffControl) ---
  void accept(const std::string& reference, const handoff::PeerActor& by, const std::string& callback_id, handoff::ControlDone done) override;
  void reject(const std::string& reference, const handoff::PeerActor& by, const std::string& reason, const std::string& callback_id,
              handoff::ControlDone done) override;
  void staff_message(const std::string& reference, const handoff::PeerActor& by, const std::string& text, const std::string& callback_id,
                     handoff::ControlDone done) override;
  void end(const std::string& reference, const handoff::PeerActor& by, const std::string& note, const std::string& callback_id,
           handoff::ControlDone done) override;

  // --- staff side: the console ---
  using ConsoleDone = std::function<void(handoff::ControlOutcome, nlohmann::json)>;
  void console_accept(const std::string& reference, const ConsoleStaff& staff, ConsoleDone done);
  void console_message(const std::string& reference, const ConsoleStaff& staff, const std::string& text, ConsoleDone done);
  void console_end(const std::string& reference, const ConsoleStaff& staff, const std::string& note, ConsoleDone done);
  // The conversation behind a handoff the staff member has (or may take): audited.
  void console_open(const std::string& reference, const ConsoleStaff& staff, ConsoleDone done);
  // Open handoffs this scope sees, urgent first, then newest (no free text), each with whether
  // its practitioner is connected now (`online`).
  void console_queue(const ConsoleStaff& staff, ConsoleDone done);
  // The staff member is typing to the practitioner of a handoff they have (never logged).
  void console_typing(const std::string& reference, const ConsoleStaff& staff);

 private:
  struct Op;
  void run_op(std::shared_ptr<Op> op, ConsoleDone done);
  std::string display_name(const handoff::PeerActor& by) const;
  // To the consoles of whoever has the handoff now (read on the writer thread), if anyone.
  void to_owner(const std::string& reference, nlohmann::json event);

  const HandoffConfig& config_;
  const GuidanceSource& guidance_;  // the newest content: a changed number is given at once
  store::GroupCommitWriter& writer_;
  HandoffHub& hub_;
  handoff::ConnectorSet& connectors_;
  std::function<Millis()> now_;
  Metrics& metrics_;
  Millis resume_window_;
  handoff::OutboxWorker* outbox_ = nullptr;
  std::string shared_instance_;
  // Connected here, or (sharing the store) to another live instance. On the writer thread.
  std::unordered_set<std::string> online_elsewhere(store::Db& db, Millis now) const;
  bool online(const std::string& conversation_id, const std::unordered_set<std::string>& elsewhere) const {
    return hub_.practitioner_online(conversation_id) || elsewhere.count(conversation_id) > 0;
  }
};

}  // namespace rc
