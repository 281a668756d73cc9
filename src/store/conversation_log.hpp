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

// Everything one client message causes, written in one transaction.
struct Record {
  std::optional<NewConversation> start;
  std::vector<ConversationUpdate> updates;  // applied in order, after `start`
  std::vector<TurnRow> turns;
};

struct StoredConversation {
  std::string id, dialog_id, dialog_version, channel, status, token_hash, state;
  std::optional<std::int64_t> ended_at;
  std::int64_t revision = 0;
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
