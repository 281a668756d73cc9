// The conversation log: what the chat server writes for each message, and reads to resume.
// An interface so the server does not care how it is stored; SqliteConversationLog is the
// embedded default. Every call is asynchronous: `done` runs once the write is durable.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit_log.hpp"
#include "core/frame_template.hpp"
#include "states.hpp"
#include "write_result.hpp"

namespace rc::store {

struct NewConversation {
  std::string id, dialog_id, dialog_version, channel, token_hash, state;
  std::int64_t started_at = 0;
  std::string reference;  // "EH-7KQ2-M9XD": unique, or the write is refused (WriteError::reference_taken)
};

struct TurnRow {
  std::string conversation_id;
  std::int64_t at = 0;  // the sequence number is given by the writer, in commit order
  std::string node, direction;
  std::string message;  // in: the client's message; out: an array of frames, some logged by template (logged_frames.hpp)
};

struct ConversationUpdate {
  std::string id;
  std::string state;
  ConversationStatus status = ConversationStatus::active;
  std::optional<std::string> outcome, outcome_node;  // kept when not given: the last outcome reached
  std::optional<std::string> area;                   // the area last given (kept when going back clears it)
  std::optional<std::string> work_area, agency;      // what the practitioner said about themselves, when said
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> ended_at;
  std::optional<std::int64_t> expected_revision;  // when set, the write is refused (WriteError::conflict) if another moved it on
};


// A new handoff (see migrations/004_handoffs_outbox.sql for the fields).
struct HandoffOpen {
  std::string reference, conversation_id;
  HandoffState status = HandoffState::requested;
  std::string route, queue;
  std::optional<std::string> area, outcome, reason;
  bool urgent = false;
  std::string item;  // JSON
  std::int64_t requested_at = 0, deadline_at = 0;
  std::optional<std::int64_t> unavailable_at;
};

// A change to a handoff, applied only when its status is one of `from`; otherwise the whole
// record is refused with WriteError::handoff_stale (so two staff accepting at once: one wins).
struct HandoffChange {
  std::string reference;
  std::vector<HandoffState> from;
  std::optional<HandoffState> to;
  std::int64_t at = 0;
  std::optional<std::int64_t> unavailable_at;
  std::optional<std::string> accepted_by, staff_name, via, ended_by, wrap_up;
  std::optional<std::string> closed_reason;  // why the server closed it (expired)
};

// One outbound event for one connector (the outbox worker delivers it).
struct OutboxRow {
  std::string event_id, connector, conversation_id, reference, kind, payload;
  std::int64_t created_at = 0;
};

// Idempotency for a connector's callback: the record is refused (WriteError::duplicate_callback) if seen.
struct CallbackSeen {
  std::string connector, callback_id;
  std::int64_t at = 0;
};

// A phone call's staff member, written with its start (migrations/006_phone_calls.sql).
struct PhoneCallTaken {
  std::string conversation_id, staff_id;
  std::int64_t at = 0;
};

// A phone call's wrap-up. Written once: a second one is refused (WriteError::already_wrapped_up).
struct PhoneCallWrapUp {
  std::string conversation_id, code, note;  // note redacted
  std::optional<std::string> outcome;       // the outcome code confirmed, when there was one
  bool outcome_confirmed = false;
  std::int64_t at = 0;
  std::optional<std::string> caller_role;  // migrations/010_call_caller.sql: when the worker said
  std::optional<bool> callback_promised;
};

// A safety alert raised by typed text: one row per harm category (migrations/007_safety_alerts.sql).
struct SafetyAlertRow {
  std::string conversation_id, node, source, level, category, label;
  std::string words;  // JSON array of the typed words that raised it
  std::int64_t at = 0;
  int rule_line = 0;
};


// Everything one client message causes, written in one transaction.
struct Record {
  std::optional<NewConversation> start;
  std::vector<ConversationUpdate> updates;  // applied in order, after `start`
  std::vector<TurnRow> turns;
  std::vector<std::shared_ptr<const FrameTemplate>> templates;  // those the turns name (written when new)
  std::optional<CallbackSeen> callback;        // checked first
  std::optional<HandoffOpen> open_handoff;
  std::vector<HandoffChange> handoff_changes;  // after open_handoff
  std::vector<OutboxRow> outbox;
  std::optional<PhoneCallTaken> call_taken;     // after `start`
  std::optional<PhoneCallWrapUp> call_wrap_up;
  std::vector<SafetyAlertRow> alerts;          // after turns
  std::optional<staff::AuditEntry> audit;      // a staff member's read (a call resumed by its taker); address filled by the session
};

// The open handoff of a conversation, as resume needs it.
struct StoredHandoff {
  std::string reference;
  HandoffState status = HandoffState::requested;
  std::string staff_name, route;
  bool urgent = false;
  std::int64_t requested_at = 0, deadline_at = 0;
  std::optional<std::int64_t> unavailable_at, accepted_at;
  // The logged frame arrays that carried live messages, oldest first, with when each was logged.
  struct LoggedFrames {
    std::int64_t at = 0;
    std::string frames;
  };
  std::vector<LoggedFrames> messages;
};

// A phone call as resume needs it.
struct StoredPhoneCall {
  std::string staff_id, staff_name;
  bool wrapped_up = false;
};

struct StoredConversation {
  std::string id, dialog_id, dialog_version, channel;
  std::string reference;  // its readable reference; its id for a conversation from before migration 009
  ConversationStatus status = ConversationStatus::active;
  std::string token_hash, state;
  std::optional<std::int64_t> ended_at;
  std::int64_t revision = 0;
  std::int64_t started_at = 0;           // its resume token is good for a set time from this
  std::string work_area, agency;         // what the practitioner said about themselves ("" when not said)
  std::optional<StoredHandoff> handoff;  // the open one, if any
  std::optional<StoredPhoneCall> call;   // channel phone only
};

class ConversationLog {
 public:
  using Done = std::function<void(const WriteResult& result)>;
  using Loaded = std::function<void(std::optional<StoredConversation> found, const WriteResult& result)>;
  virtual ~ConversationLog() = default;

  virtual void write(Record record, Done done) = 0;
  virtual void load(const std::string& conversation_id, Loaded done) = 0;
  // Records a dialog version as served (idempotent).
  virtual void remember_dialog(const std::string& dialog_id, const std::string& version, const std::string& declared,
                               const std::string& source_text, std::int64_t now, Done done) = 0;
  virtual std::size_t queue_depth() const = 0;
};

}  // namespace rc::store
