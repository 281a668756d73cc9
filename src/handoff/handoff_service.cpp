// See handoff_service.hpp.
#include "handoff_service.hpp"

#include <spdlog/spdlog.h>

#include "core/redaction.hpp"
#include "store/ids.hpp"
#include "protocol/protocol.hpp"
#include "store/audit_log.hpp"
#include "store/review_queries.hpp"
#include "store/sqlite_conversation_log.hpp"

namespace rc {

using json = nlohmann::json;
using handoff::ControlOutcome;

namespace {

constexpr const char* kFailPrefix = "handoff:";
constexpr std::size_t kMaxStaffText = 4000;

// An expected refusal inside a writer job: rolls the job back and comes out as a code.
[[noreturn]] void refuse(const std::string& code, const std::string& message) {
  throw store::SqliteError(kFailPrefix + code + ":" + message, 0);
}

ControlOutcome outcome_of(bool ok, const std::string& error) {
  if (ok) return {};
  if (error == store::kDuplicateCallback) return {true, true, "", ""};
  if (error == store::kHandoffStale) return {false, false, "not_waiting", "The handoff changed at the same moment: look again."};
  if (error.rfind(kFailPrefix, 0) == 0) {
    const auto rest = error.substr(std::string(kFailPrefix).size());
    const auto colon = rest.find(':');
    return {false, false, rest.substr(0, colon), colon == std::string::npos ? "" : rest.substr(colon + 1)};
  }
  return {false, false, "server_busy", "The database is not available just now; try again in a moment."};
}

struct HandoffRow {
  std::string conversation_id, status, route, queue, accepted_by, staff_name, via;
  bool urgent = false;
  std::optional<Millis> unavailable_at;
};

std::optional<HandoffRow> read_handoff(store::SqliteDb& db, const std::string& reference) {
  auto& q = db.prepared("SELECT conversation_id, status, route, queue, COALESCE(accepted_by, ''), COALESCE(staff_name, ''), COALESCE(via, ''), "
                        "urgent, unavailable_at FROM handoffs WHERE reference = ?1");
  q.bind(1, reference);
  std::optional<HandoffRow> r;
  if (q.step()) r = HandoffRow{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.integer(7) != 0,
                               q.is_null(8) ? std::nullopt : std::optional<Millis>(q.integer(8))};
  q.reset();
  return r;
}

json queue_rows(store::SqliteDb& db, const std::string& scope) {
  auto& q = db.prepared("SELECT reference, conversation_id, status, route, queue, urgent, item, requested_at, COALESCE(staff_name, ''), "
                        "COALESCE(accepted_by, ''), unavailable_at FROM handoffs WHERE status IN ('requested', 'accepted') "
                        "AND (?1 = '' OR queue = ?1 OR queue = 'any') ORDER BY urgent DESC, requested_at");
  q.bind(1, scope);
  json out = json::array();
  while (q.step()) {
    json item{{"reference", q.text(0)}, {"conversation", q.text(1)}, {"status", q.text(2)}, {"route", q.text(3)}, {"queue", q.text(4)},
              {"urgent", q.integer(5) != 0}, {"item", json::parse(q.text(6), nullptr, false)}, {"requested_at", staff::iso_time(q.integer(7))},
              {"waiting_since_ms", q.integer(7)}, {"told_unavailable", !q.is_null(10)}};
    if (q.text(2) == "accepted") item["accepted"] = {{"name", q.text(8)}, {"by", q.text(9)}};
    out.push_back(std::move(item));
  }
  q.reset();
  return out;
}

}  // namespace

// One staff-side operation: its inputs, and what the writer job found and did.
struct HandoffService::Op {
  enum class Kind { accept, reject, message, end, open, queue } kind = Kind::accept;
  std::string reference, callback_id, text;
  handoff::PeerActor by;
  std::optional<ConsoleStaff> staff;
  Millis now = 0;
  // results: reset on each run (the writer may run a job twice: batch, then alone)
  HandoffRow row;
  std::optional<HandoffNotice> notice;
  json reply;
  std::string console_event;  // what the consoles are told changed
  bool queued_events = false;

  std::string actor_id() const { return staff ? staff->id : by.connector + ":" + by.id; }
  std::string via() const { return staff ? std::string("console") : by.connector; }
  bool owns(const HandoffRow& r) const { return staff ? r.accepted_by == staff->id : r.via == by.connector; }
};

HandoffService::HandoffService(const HandoffConfig& config, const GuidanceSet& guidance, store::GroupCommitWriter& writer, HandoffHub& hub,
                               handoff::ConnectorSet& connectors, std::function<Millis()> now, Metrics& metrics)
    : config_(config), guidance_(guidance), writer_(writer), hub_(hub), connectors_(connectors), now_(std::move(now)), metrics_(metrics) {}

// --- practitioner side ---

HandoffService::Plan HandoffService::plan_request(const Dialog& dialog, const State& state, const std::string& conversation_id,
                                                  const std::string& channel, const std::string& reason_redacted, const std::string& reason_raw,
                                                  Millis now) const {
  Plan p;
  p.reference = new_handoff_reference();
  p.facts = handoff_facts(dialog, guidance_.content, state, channel, reason_raw);
  p.route = choose_route(config_, p.facts);
  p.contacts = p.route ? route_contacts(guidance_.content, p.route->contacts) : route_contacts(guidance_.content, {"duty_and_advice"});
  bool can_queue = p.route && !p.route->contacts_only;
  if (can_queue) {
    can_queue = false;  // at least one configured connector must exist to take it
    for (const auto& name : p.route->connectors) can_queue = can_queue || connectors_.count(name) != 0;
  }
  p.unavailable_now = !can_queue;
  p.deadline = now + static_cast<Millis>(config_.accept_timeout_seconds) * 1000;
  const std::string route_name = p.route ? p.route->name : "none";
  const std::string queue = p.route ? p.route->queue : "any";
  p.open = store::HandoffOpen{p.reference, conversation_id, p.unavailable_now ? "unavailable" : "requested", route_name, queue,
                              p.facts.area, p.facts.outcome, reason_redacted.empty() ? std::nullopt : std::optional<std::string>(reason_redacted),
                              p.facts.urgent, queue_item(dialog, guidance_.content, state, p.facts).dump(), now, p.deadline,
                              p.unavailable_now ? std::optional<Millis>(now) : std::nullopt};
  if (p.unavailable_now) return p;
  for (const auto& name : p.route->connectors) {
    auto slot = connectors_.find(name);
    if (slot == connectors_.end() || !slot->second.connector->wants("requested")) continue;
    const bool free_text = slot->second.connector->includes_free_text();
    const std::string id = new_event_id();
    json data = requested_data(dialog, guidance_.content, state, p.facts, reason_redacted, free_text, conversation_id, now);
    p.outbox.push_back({id, name, conversation_id, p.reference, "requested",
                        event_payload("requested", id, p.reference, conversation_id, route_name, queue, now, std::move(data)).dump(), now});
  }
  return p;
}

std::vector<store::OutboxRow> HandoffService::events(const std::string& kind, const std::string& reference, const std::string& conversation_id,
                                                     const std::string& route_name, const std::string& queue, const json& data, Millis now,
                                                     const std::string& except) const {
  std::vector<store::OutboxRow> out;
  for (const auto& r : config_.routes) {
    if (r.name != route_name) continue;
    for (const auto& name : r.connectors) {
      auto slot = connectors_.find(name);
      if (name == except || slot == connectors_.end() || !slot->second.connector->wants(kind)) continue;
      json d = data;
      // A message's text only goes to connectors allowed free text.
      if (kind == "message" && !slot->second.connector->includes_free_text()) {
        d["text"] = nullptr;
        d["text_withheld"] = true;
      }
      const std::string id = new_event_id();
      out.push_back({id, name, conversation_id, reference, kind, event_payload(kind, id, reference, conversation_id, route_name, queue, now, std::move(d)).dump(), now});
    }
  }
  return out;
}

std::vector<ContactView> HandoffService::contacts_for(const std::string& route_name) const {
  for (const auto& r : config_.routes)
    if (r.name == route_name) return route_contacts(guidance_.content, r.contacts);
  return route_contacts(guidance_.content, {"duty_and_advice"});
}

std::string HandoffService::queue_of(const std::string& route_name) const {
  for (const auto& r : config_.routes)
    if (r.name == route_name) return r.queue;
  return "any";
}

void HandoffService::practitioner_changed(const std::string& reference, const std::string& queue, const std::string& what) {
  if (outbox_) outbox_->wake();
  hub_.to_consoles(queue, {{"type", "queue_changed"}, {"reference", reference}, {"event", what}});
}

void HandoffService::practitioner_message(const std::string& reference, const std::string& conversation_id, const std::string& text,
                                          bool safety_alert) {
  if (outbox_) outbox_->wake();
  // Who has it: read on the writer thread (cheap), then tell their consoles.
  auto owner = std::make_shared<std::string>();
  writer_.submit(
      [owner, reference](store::SqliteDb& db) {
        if (auto r = read_handoff(db, reference); r && r->status == "accepted") *owner = r->accepted_by;
      },
      [this, owner, reference, conversation_id, text, safety_alert](bool ok, const std::string&) {
        if (!ok || owner->empty()) return;
        hub_.to_staff(*owner, {{"type", "message"}, {"reference", reference}, {"conversation", conversation_id}, {"from", "practitioner"},
                               {"text", text}, {"safety_alert", safety_alert}});
      });
}

// --- staff side ---

std::string HandoffService::display_name(const handoff::PeerActor& by) const {
  if (!by.display_name.empty()) return by.display_name.substr(0, 80);
  return "a member of staff";
}

void HandoffService::run_op(std::shared_ptr<Op> op, ConsoleDone done) {
  op->now = now_();
  auto work = [this, op](store::SqliteDb& db) {
    op->notice.reset();
    op->reply = json();
    op->console_event.clear();
    op->queued_events = false;
    if (op->kind == Op::Kind::queue) {
      op->reply = queue_rows(db, op->staff->scope);
      return;
    }
    store::Record record;
    if (!op->callback_id.empty()) {
      // A repeated callback is acknowledged before anything else is looked at.
      auto& seen = db.prepared("SELECT 1 FROM connector_callbacks WHERE connector = ?1 AND callback_id = ?2");
      seen.bind(1, op->by.connector).bind(2, op->callback_id);
      const bool repeated = seen.step();
      seen.reset();
      if (repeated) throw store::SqliteError(store::kDuplicateCallback, 0);
      record.callback = store::CallbackSeen{op->by.connector, op->callback_id, op->now};
    }
    auto row = read_handoff(db, op->reference);
    // Out of scope looks the same as unknown, so references cannot be probed.
    if (!row || (op->staff && !scope_sees(op->staff->scope, row->queue))) refuse("unknown_reference", "There is no handoff " + op->reference.substr(0, 20) + ".");
    if (!op->staff) {
      bool on_route = false;
      for (const auto& r : config_.routes)
        if (r.name == row->route)
          for (const auto& c : r.connectors) on_route = on_route || c == op->by.connector;
      if (!on_route) refuse("unknown_reference", "There is no handoff " + op->reference.substr(0, 20) + " for this connector.");
    }
    op->row = *row;
    const std::string& ref = op->reference;
    auto turn = [&](json frame) {
      std::string text = protocol::serialise(std::move(frame), std::nullopt);
      record.turns.push_back({row->conversation_id, op->now, "handoff", "out", "[" + text + "]"});
      return std::vector<std::string>{std::move(text)};
    };
    auto transcript_for_staff = [&] {
      auto t = staff::transcript(db, row->conversation_id, "");
      staff::append_audit(db, {op->now, op->staff->id, "read", json{{"conversation", row->conversation_id}, {"via", "console"}, {"handoff", ref}}.dump(),
                               op->staff->address});
      return t ? *t : json();
    };
    switch (op->kind) {
      case Op::Kind::accept: {
        if (row->status != "requested")
          refuse("not_waiting", row->status == "accepted" ? "Someone else has already taken this handoff (" + row->staff_name + ")."
                                                          : "This handoff is no longer waiting (" + row->status + ").");
        const std::string name = op->staff ? op->staff->display_name : display_name(op->by);
        record.handoff_changes.push_back({ref, {"requested"}, "accepted", op->now, std::nullopt, op->actor_id(), name, op->via(), std::nullopt, std::nullopt});
        json frame = protocol::handoff_json("accepted", ref);
        frame["name"] = name;
        op->notice = HandoffNotice{HandoffNotice::Kind::accepted, ref, name, turn(std::move(frame))};
        record.outbox = events("accepted", ref, row->conversation_id, row->route, row->queue, {{"by", name}, {"via", op->via()}}, op->now, op->via());
        op->console_event = "accepted";
        if (op->staff) op->reply = {{"reference", ref}, {"conversation", row->conversation_id}, {"transcript", transcript_for_staff()}};
        break;
      }
      case Op::Kind::message: {
        if (row->status != "accepted" || !op->owns(*row)) refuse("not_active", "You do not have this handoff open, so the message was not sent.");
        if (op->text.empty() || op->text.size() > kMaxStaffText) refuse("bad_request", "A message needs text of at most 4000 characters.");
        op->notice = HandoffNotice{HandoffNotice::Kind::staff_message, ref, row->staff_name, turn(protocol::staff_message_json(row->staff_name, op->text))};
        break;
      }
      case Op::Kind::end: {
        if (row->status == "accepted" ? !op->owns(*row) : row->status != "requested")
          refuse("not_active", "This handoff is not yours to end (" + row->status + ").");
        const std::string name = row->status == "accepted" ? row->staff_name : (op->staff ? op->staff->display_name : display_name(op->by));
        const std::string note = redact(op->text.substr(0, kMaxStaffText));
        record.handoff_changes.push_back({ref, {"requested", "accepted"}, "ended", op->now, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                          op->actor_id(), note.empty() ? std::nullopt : std::optional<std::string>(note)});
        json frame = protocol::handoff_json("ended", ref);
        frame["name"] = name;
        op->notice = HandoffNotice{HandoffNotice::Kind::ended, ref, name, turn(std::move(frame))};
        record.outbox = events("ended", ref, row->conversation_id, row->route, row->queue, {{"by", name}, {"via", op->via()}}, op->now, op->via());
        op->console_event = "ended";
        break;
      }
      case Op::Kind::reject: {
        if (row->status != "requested") refuse("not_waiting", "This handoff is no longer waiting (" + row->status + ").");
        if (row->unavailable_at) break;  // already told: nothing more to say
        record.handoff_changes.push_back({ref, {"requested"}, std::nullopt, op->now, op->now, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
        op->notice = HandoffNotice{HandoffNotice::Kind::unavailable, ref, "",
                                   turn(protocol::handoff_unavailable_json(ref, contacts_for(row->route), row->urgent))};
        break;
      }
      case Op::Kind::open: {
        if (row->status == "accepted" && !op->owns(*row) && !op->staff->scope.empty())
          refuse("not_active", "Someone else has this handoff (" + row->staff_name + ").");
        op->reply = {{"reference", ref}, {"conversation", row->conversation_id}, {"status", row->status}, {"transcript", transcript_for_staff()}};
        break;
      }
      case Op::Kind::queue:
        break;
    }
    op->queued_events = !record.outbox.empty();
    store::SqliteConversationLog::apply(db, record);
  };
  writer_.submit(std::move(work), [this, op, done = std::move(done)](bool ok, const std::string& error) {
    ControlOutcome outcome = outcome_of(ok, error);
    if (ok) {
      if (op->queued_events && outbox_) outbox_->wake();
      if (op->notice) {
        if (op->notice->kind == HandoffNotice::Kind::accepted) metrics_.handoffs_accepted++;
        hub_.notify_practitioner(op->row.conversation_id, *op->notice);
      }
      if (!op->console_event.empty()) hub_.to_consoles(op->row.queue, {{"type", "queue_changed"}, {"reference", op->reference}, {"event", op->console_event}});
    } else if (outcome.code == "server_busy") {
      spdlog::error("handoff {}: could not apply a staff action: {}", op->reference.substr(0, 20), error);
    }
    done(outcome, op->reply);
  });
}

void HandoffService::accept(const std::string& reference, const handoff::PeerActor& by, const std::string& callback_id, handoff::ControlDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::accept;
  op->reference = reference;
  op->by = by;
  op->callback_id = callback_id;
  run_op(op, [done](ControlOutcome o, json) { done(o); });
}

void HandoffService::reject(const std::string& reference, const handoff::PeerActor& by, const std::string& reason, const std::string& callback_id,
                            handoff::ControlDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::reject;
  op->reference = reference;
  op->by = by;
  op->text = reason;
  op->callback_id = callback_id;
  run_op(op, [done](ControlOutcome o, json) { done(o); });
}

void HandoffService::staff_message(const std::string& reference, const handoff::PeerActor& by, const std::string& text, const std::string& callback_id,
                                   handoff::ControlDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::message;
  op->reference = reference;
  op->by = by;
  op->text = text;
  op->callback_id = callback_id;
  run_op(op, [done](ControlOutcome o, json) { done(o); });
}

void HandoffService::end(const std::string& reference, const handoff::PeerActor& by, const std::string& note, const std::string& callback_id,
                         handoff::ControlDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::end;
  op->reference = reference;
  op->by = by;
  op->text = note;
  op->callback_id = callback_id;
  run_op(op, [done](ControlOutcome o, json) { done(o); });
}

void HandoffService::console_accept(const std::string& reference, const ConsoleStaff& staff, ConsoleDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::accept;
  op->reference = reference;
  op->staff = staff;
  run_op(op, std::move(done));
}

void HandoffService::console_message(const std::string& reference, const ConsoleStaff& staff, const std::string& text, ConsoleDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::message;
  op->reference = reference;
  op->staff = staff;
  op->text = text;
  run_op(op, std::move(done));
}

void HandoffService::console_end(const std::string& reference, const ConsoleStaff& staff, const std::string& note, ConsoleDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::end;
  op->reference = reference;
  op->staff = staff;
  op->text = note;
  run_op(op, std::move(done));
}

void HandoffService::console_open(const std::string& reference, const ConsoleStaff& staff, ConsoleDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::open;
  op->reference = reference;
  op->staff = staff;
  run_op(op, std::move(done));
}

void HandoffService::console_queue(const ConsoleStaff& staff, ConsoleDone done) {
  auto op = std::make_shared<Op>();
  op->kind = Op::Kind::queue;
  op->staff = staff;
  run_op(op, std::move(done));
}

}  // namespace rc
