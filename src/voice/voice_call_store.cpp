// See voice_call_store.hpp.
#include "voice_call_store.hpp"

#include "core/state_json.hpp"
#include "protocol/protocol.hpp"
#include "store/safety_alert_rows.hpp"

namespace rc::voice {
namespace {

using json = nlohmann::json;

store::ConversationUpdate update_for(const Dialog& d, const std::string& id, const State& s, bool ends, std::int64_t now) {
  store::ConversationUpdate u;
  u.id = id;
  u.state = state_text(s);
  u.status = s.finished ? store::ConversationStatus::completed : ends ? store::ConversationStatus::abandoned : store::ConversationStatus::active;
  u.updated_at = now;
  if (ends) u.ended_at = now;
  if (s.finished)
    if (const Node* n = d.find(s.current)) {
      u.outcome = n->outcome;
      u.outcome_node = n->id;
    }
  const auto facts = facts_of(d, s);
  if (auto it = facts.find("area"); it != facts.end()) u.area = it->second;
  return u;
}

// What the caller heard, as the chat protocol's messages (so the hub's review page reads a
// call like a chat), with the voice-only sentences as info and how the call left us.
std::string heard(const CallTurn& turn) {
  json out = json::array();
  for (const auto& line : turn.reply.lines) out.push_back({{"type", "info"}, {"text", line}, {"say", line}});
  for (const auto& e : turn.reply.events) out.push_back(protocol::to_json(e, true));
  if (turn.reply.dial) out.push_back({{"type", "dial"}, {"contact", turn.reply.dial->id}, {"phone", turn.reply.dial->phone}});
  if (turn.reply.hang_up)
    out.push_back({{"type", "ended"}, {"status", turn.next.state.finished ? "completed" : "abandoned"}, {"reason", "no_input"}});
  return out.dump();
}

}  // namespace

std::optional<StoredCall> load_call(store::Db& db, const std::string& call_sid) {
  auto& q = db.prepared(
      "SELECT v.no_input, c.id, c.dialog_id, c.dialog_version, c.channel, c.status, c.state, c.ended_at, c.revision "
      "FROM voice_calls v JOIN conversations c ON c.id = v.conversation_id WHERE v.call_sid = ?1");
  q.bind(1, call_sid);
  std::optional<StoredCall> found;
  if (q.step()) {
    StoredCall call;
    call.call_sid = call_sid;
    call.no_input = static_cast<int>(q.integer(0));
    auto& c = call.conversation;
    c.id = q.text(1);
    c.dialog_id = q.text(2);
    c.dialog_version = q.text(3);
    c.channel = q.text(4);
    c.status = store::conversation_status_of(q.text(5)).value_or(store::ConversationStatus::active);
    c.state = q.text(6);
    if (!q.is_null(7)) c.ended_at = q.integer(7);
    c.revision = q.integer(8);
    found = std::move(call);
  }
  q.reset();
  return found;
}

void save_call(store::Db& db, const std::string& call_sid, const std::string& conversation_id, int no_input, std::int64_t now) {
  db.prepared(
        "INSERT INTO voice_calls (call_sid, conversation_id, no_input, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) "
        "ON CONFLICT (call_sid) DO UPDATE SET conversation_id = ?2, no_input = ?3, updated_at = ?4")
      .bind(1, call_sid).bind(2, conversation_id).bind(3, static_cast<std::int64_t>(no_input)).bind(4, now).run();
}

store::Record record_of_turn(const Dialog& d, const std::string& id, const CallTurn& turn, const std::string& in_node, bool start,
                             std::int64_t now) {
  store::Record r;
  const State& s = turn.next.state;
  if (start) r.start = store::NewConversation{id, d.id, d.content_hash, "voice", "", state_text(s), now};
  // A voice conversation has no resume token: the provider's call id finds it (voice_calls).
  if (!start || s.finished || turn.ends_call) r.updates.push_back(update_for(d, id, s, turn.ends_call, now));
  r.turns.push_back({id, now, in_node, "in", turn.logged_in.dump()});
  r.turns.push_back({id, now, s.current, "out", heard(turn)});
  r.alerts = store::safety_alert_rows(id, in_node, "speech", turn.reply.events, now);
  return r;
}

store::Record record_of_end(const Dialog& d, const std::string& id, const State& state, const json& logged_in, std::int64_t now) {
  store::Record r;
  r.updates.push_back(update_for(d, id, state, true, now));
  if (!logged_in.is_null()) {
    r.turns.push_back({id, now, state.current, "in", logged_in.dump()});
    json out = json::array({{{"type", "ended"}, {"status", store::to_string(r.updates.back().status)}}});
    r.turns.push_back({id, now, state.current, "out", out.dump()});
  }
  return r;
}

}  // namespace rc::voice
