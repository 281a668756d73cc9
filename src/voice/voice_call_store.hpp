// Where a call is kept between two webhook requests: the voice_calls table (migration 005)
// keyed by the provider's call id, next to its conversation in the ordinary conversation log,
// so the hub reviews calls like chats and a restarted server carries a call on. These run on
// the writer thread, inside its transaction.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "store/conversation_log.hpp"
#include "store/sqlite_db.hpp"
#include "voice_turn.hpp"

namespace rc::voice {

struct StoredCall {
  std::string call_sid;
  int no_input = 0;
  store::StoredConversation conversation;
};

std::optional<StoredCall> load_call(store::Db& db, const std::string& call_sid);
// Inserts or updates the call's row.
void save_call(store::Db& db, const std::string& call_sid, const std::string& conversation_id, int no_input, std::int64_t now);

// The log record of one request: the caller's input and what they heard as turns, and the
// conversation's new state. `start` is set for a call's first request (a new conversation).
store::Record record_of_turn(const Dialog& dialog, const std::string& conversation_id, const CallTurn& turn, const std::string& in_node,
                             bool start, std::int64_t now);

// Ends a conversation (the caller hung up, or the guidance changed under the call): abandoned,
// or completed when it had reached an outcome. `logged_in`, when not null, is logged as a turn.
store::Record record_of_end(const Dialog& dialog, const std::string& conversation_id, const State& state, const nlohmann::json& logged_in,
                            std::int64_t now);

}  // namespace rc::voice
