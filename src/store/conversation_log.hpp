// The conversation log: what the chat server writes for each message, and reads to resume.
// An interface so the server does not care how it is stored; SqliteConversationLog is the
// embedded default. Every call is asynchronous: `done` runs once the write is durable.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rc::store {

struct NewConversation {
  std::string id, dialog_id, dialog_version, channel, token_hash, state;
  std::int64_t started_at = 0;
};

struct TurnRow {
  std::string conversation_id;
  std::int64_t at = 0;  // the sequence number is given by the writer, in commit order
  std::string node, direction, message;
};

struct ConversationUpdate {
  std::string id;
  std::string state, status;
  std::optional<std::string> outcome, outcome_node;  // kept when not given: the last outcome reached
  std::optional<std::string> area;                   // as the answers now say (going back can clear it)
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> ended_at;
  std::optional<std::int64_t> expected_revision;  // when set, the write fails with kConflict if another moved it on
};

// The error a write reports when a ConversationUpdate's expected revision was stale.
inline constexpr const char* kConflict = "conversation moved on elsewhere";
// A HandoffChange found the handoff in another state (someone else accepted it first...).
inline constexpr const char* kHandoffStale = "the handoff is no longer in that state";
// A HandoffOpen for a conversation that already has an open handoff (a database constraint).
inline constexpr const char* kHandoffOpen = "the conversation already has an open handoff";

// A new handoff (see migrations/004_handoffs_outbox.sql for the fields).
struct HandoffOpen {
  std::string reference, conversation_id, status = "requested", route, queue;
  std::optional<std::string> area, outcome, reason;
  bool urgent = false;
  std::string item;  // JSON
  std::int64_t requested_at = 0, deadline_at = 0;
  std::optional<std::int64_t> unavailable_at;
};

// A change to a handoff, applied only when its status is one of `from`; otherwise the whole
// record fails with kHandoffStale (so two staff accepting at once: one wins).
struct HandoffChange {
  std::string reference;
  std::vector<std::string> from;
  std::optional<std::string> to;
  std::int64_t at = 0;
  std::optional<std::int64_t> unavailable_at;
  std::optional<std::string> accepted_by, staff_name, via, ended_by, wrap_up;
};

// One outbound event for one connector (the outbox worker delivers it).
struct OutboxRow {
  std::string event_id, connector, conversation_id, reference, kind, payload;
  std::int64_t created_at = 0;
};

// Idempotency for a connector's callback: the record fails with kDuplicateCallback if seen.
inline constexpr const char* kDuplicateCallback = "callback already applied";
struct CallbackSeen {
  std::string connector, callback_id;
  std::int64_t at = 0;
};

// A phone call's staff member, written with its start (migrations/006_phone_calls.sql).
struct PhoneCallTaken {
  std::string conversation_id, staff_id;
  std::int64_t at = 0;
};

// A phone call's wrap-up. Written once: a second one fails the record with kAlreadyWrappedUp.
struct PhoneCallWrapUp {
  std::string conversation_id, code, note;  // note redacted
  std::optional<std::string> outcome;       // the outcome code confirmed, when there was one
  bool outcome_confirmed = false;
  std::int64_t at = 0;
};
inline constexpr const char* kAlreadyWrappedUp = "the call is already wrapped up";

// A safety alert raised by typed text: one row per harm category (migrations/007_safety_alerts.sql).
struct SafetyAlertRow {
  std::string conversation_id, node, source, level, category, label;
  std::string words;  // JSON array of the typed words that raised it
  std::int64_t at = 0;
  int rule_line = 0;
};

// Refusals that are answers, not faults: not logged as database errors.
inline bool is_expected_refusal(const std::string& error) {
  return error == kConflict || error == kHandoffStale || error == kHandoffOpen || error == kDuplicateCallback || error == kAlreadyWrappedUp;
}

// Everything one client message causes, written in one transaction.
struct Record {
  std::optional<NewConversation> start;
  std::vector<ConversationUpdate> updates;  // applied in order, after `start`
  std::vector<TurnRow> turns;
  std::optional<CallbackSeen> callback;        // checked first
  std::optional<HandoffOpen> open_handoff;
  std::vector<HandoffChange> handoff_changes;  // after open_handoff
  std::vector<OutboxRow> outbox;
  std::optional<PhoneCallTaken> call_taken;     // after `start`
  std::optional<PhoneCallWrapUp> call_wrap_up;
  std::vector<SafetyAlertRow> alerts;          // after turns
};

// The open handoff of a conversation, as resume needs it.
struct StoredHandoff {
  std::string reference, status, staff_name, route;
  bool urgent = false;
  std::int64_t requested_at = 0, deadline_at = 0;
  std::optional<std::int64_t> unavailable_at, accepted_at;
  std::vector<std::string> messages;  // the logged frame arrays that carried live messages, oldest first
};

// A phone call as resume needs it.
struct StoredPhoneCall {
  std::string staff_id, staff_name;
  bool wrapped_up = false;
};

struct StoredConversation {
  std::string id, dialog_id, dialog_version, channel, status, token_hash, state;
  std::optional<std::int64_t> ended_at;
  std::int64_t revision = 0;
  std::optional<StoredHandoff> handoff;  // the open one, if any
  std::optional<StoredPhoneCall> call;   // channel phone only
};

class ConversationLog {
 public:
  using Done = std::function<void(bool ok, const std::string& error)>;
  using Loaded = std::function<void(std::optional<StoredConversation> found, bool ok, const std::string& error)>;
  virtual ~ConversationLog() = default;

  virtual void write(Record record, Done done) = 0;
  virtual void load(const std::string& conversation_id, Loaded done) = 0;
  // Records a dialog version as served (idempotent).
  virtual void remember_dialog(const std::string& dialog_id, const std::string& version, const std::string& declared,
                               const std::string& source_text, std::int64_t now, Done done) = 0;
  // Succeeds when the database can take a write now.
  virtual void probe(Done done) = 0;
  virtual std::size_t queue_depth() const = 0;
};

}  // namespace rc::store
