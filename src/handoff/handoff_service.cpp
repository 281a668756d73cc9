// See handoff_service.hpp.
#include "handoff_service.hpp"

#include "handoff_store.hpp"
#include "presence_store.hpp"

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
using store::HandoffState;

namespace {

constexpr std::size_t kMaxStaffText = 4000;

// An expected refusal inside a writer job: rolls the job back and comes out as a code.
[[noreturn]] void refuse(const std::string& code, const std::string& message) {
  throw store::Refusal(store::WriteError::refused, message, code);
}

ControlOutcome outcome_of(const store::WriteResult& r) {
  using store::WriteError;
  switch (r.error) {
    case WriteError::none: return {};
    case WriteError::duplicate_callback: return {true, true, "", ""};
    case WriteError::handoff_stale: return {false, false, "not_waiting", "The handoff changed at the same moment: look again."};
    case WriteError::refused: return {false, false, r.code, r.message};
    default: return {false, false, "server_busy", "The database is not available just now; try again in a moment."};
  }
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

HandoffService::HandoffService(const HandoffConfig& config, const GuidanceSource& guidance, store::GroupCommitWriter& writer, HandoffHub& hub,
                               handoff::ConnectorSet& connectors, std::function<Millis()> now, Metrics& metrics, Millis resume_window)
    : config_(config), guidance_(guidance), writer_(writer), hub_(hub), connectors_(connectors), now_(std::move(now)), metrics_(metrics),
      resume_window_(resume_window) {}

// --- practitioner side ---

HandoffService::Plan HandoffService::plan_request(const Dialog& dialog, const State& state, const std::string& conversation_id,
                                                  const std::string& conversation_reference, const std::string& channel,
                                                  const std::string& reason_redacted, const std::string& reason_raw, Millis now) const {
  Plan p;
  const auto guidance = guidance_.current();
  const Catalogue& content = guidance->content;
  p.reference = new_handoff_reference();
  p.facts = handoff_facts(dialog, content, state, channel, reason_raw);
  p.route = choose_route(config_, p.facts);
  p.contacts = p.route ? route_contacts(content, p.route->contacts) : route_contacts(content, {"duty_and_advice"});
  bool can_queue = p.route && !p.route->contacts_only;
  if (can_queue) {
    can_queue = false;  // at least one configured connector must exist to take it
    for (const auto& name : p.route->connectors) can_queue = can_queue || connectors_.count(name) != 0;
  }
  p.unavailable_now = !can_queue;
  p.deadline = now + static_cast<Millis>(config_.accept_timeout_seconds) * 1000;
  const std::string route_name = p.route ? p.route->name : "none";
  const std::string queue = p.route ? p.route->queue : "any";
  p.open = store::HandoffOpen{.reference = p.reference,
                              .conversation_id = conversation_id,
                              .status = p.unavailable_now ? HandoffState::unavailable : HandoffState::requested,
                              .route = route_name,
                              .queue = queue,
                              .area = p.facts.area,
                              .outcome = p.facts.outcome,
                              .reason = reason_redacted.empty() ? std::nullopt : std::optional<std::string>(reason_redacted),
                              .urgent = p.facts.urgent,
                              .item = queue_item(dialog, content, state, p.facts).dump(),
                              .requested_at = now,
                              .deadline_at = p.deadline,
                              .unavailable_at = p.unavailable_now ? std::optional<Millis>(now) : std::nullopt};
  if (p.unavailable_now) return p;
  for (const auto& name : p.route->connectors) {
    auto slot = connectors_.find(name);
    if (slot == connectors_.end() || !slot->second.connector->wants("requested")) continue;
    const bool free_text = slot->second.connector->includes_free_text();
    const std::string id = new_event_id();
    json data = requested_data(dialog, content, state, p.facts, reason_redacted, free_text, conversation_reference, now);
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
  const auto guidance = guidance_.current();
  for (const auto& r : config_.routes)
    if (r.name == route_name) return route_contacts(guidance->content, r.contacts);
  return route_contacts(guidance->content, {"duty_and_advice"});
}

std::unordered_set<std::string> HandoffService::online_elsewhere(store::Db& db, Millis now) const {
  if (shared_instance_.empty()) return {};
  return handoff::present_elsewhere(db, shared_instance_, now - handoff::OutboxWorker::kSilentMs);
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
                                          bool safety_alert, Millis at) {
  if (outbox_) outbox_->wake();
  to_owner(reference, {{"type", "message"}, {"reference", reference}, {"conversation", conversation_id}, {"from", "practitioner"},
                       {"text", text}, {"safety_alert", safety_alert}, {"at", utc_iso(at)}});
}

void HandoffService::practitioner_typing(const std::string& reference) {
  to_owner(reference, {{"type", "typing"}, {"reference", reference}, {"from", "practitioner"}});
}

void HandoffService::to_owner(const std::string& reference, json event) {
  // Who has it: read on the writer thread (cheap), then tell their consoles.
  auto owner = std::make_shared<std::string>();
  writer_.submit(
      [owner, reference](store::Db& db) {
        owner->clear();
        if (auto r = read_handoff(db, reference); r && r->status == HandoffState::accepted) *owner = r->accepted_by;
      },
      [this, owner, event = std::move(event)](const store::WriteResult& written) {
        if (written.ok() && !owner->empty()) hub_.to_staff(*owner, event);
      });
}

void HandoffService::console_typing(const std::string& reference, const ConsoleStaff& staff) {
  auto row = std::make_shared<std::optional<HandoffRow>>();
  writer_.submit([row, reference](store::Db& db) { *row = read_handoff(db, reference); },
                 [this, row, reference, staff_id = staff.id](const store::WriteResult& read) {
                   const auto& r = *row;
                   if (!read.ok() || !r || r->status != HandoffState::accepted || r->accepted_by != staff_id) return;
                   const Millis now = now_();
                   hub_.notify_practitioner(r->conversation_id, HandoffNotice{HandoffNotice::Kind::typing, reference, r->staff_name,
                                                                              {protocol::serialise(protocol::typing_json(r->staff_name), std::nullopt)}, now});
                 });
}

// --- staff side ---

std::string HandoffService::display_name(const handoff::PeerActor& by) const {
  if (!by.display_name.empty()) return by.display_name.substr(0, 80);
  return "a member of staff";
}

void HandoffService::run_op(std::shared_ptr<Op> op, ConsoleDone done) {
  op->now = now_();
  auto work = [this, op](store::Db& db) {
    op->notice.reset();
    op->reply = json();
    op->console_event.clear();
    op->queued_events = false;
    if (op->kind == Op::Kind::queue) {
      op->reply = open_handoffs(db, op->staff->scope);
      const auto elsewhere = online_elsewhere(db, op->now);
      for (auto& item : op->reply) item["online"] = online(item.value("conversation", ""), elsewhere);
      return;
    }
    store::Record record;
    if (!op->callback_id.empty()) {
      // A repeated callback is acknowledged before anything else is looked at.
      if (callback_seen(db, op->by.connector, op->callback_id)) throw store::Refusal(store::WriteError::duplicate_callback, "callback already applied");
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
      record.turns.push_back({.conversation_id = row->conversation_id, .at = op->now, .node = "handoff", .direction = "out", .message = "[" + text + "]"});
      return std::vector<std::string>{std::move(text)};
    };
    // Read through the one scope rule (store/review_queries.cpp); audited.
    auto transcript_for_staff = [&] {
      auto t = staff::transcript(db, row->conversation_id, staff::Scope{op->staff->scope, op->staff->id});
      if (!t) refuse("unknown_reference", "There is no handoff " + op->reference.substr(0, 20) + ".");
      staff::append_audit(db, {op->now, op->staff->id, "read", json{{"conversation", row->conversation_id}, {"via", "console"}, {"handoff", ref}}.dump(),
                               op->staff->address});
      return *t;
    };
    switch (op->kind) {
      case Op::Kind::accept: {
        if (row->status != HandoffState::requested)
          refuse("not_waiting", row->status == HandoffState::accepted ? "Someone else has already taken this handoff (" + row->staff_name + ")."
                                                          : "This handoff is no longer waiting (" + std::string(to_string(row->status)) + ").");
        const std::string name = op->staff ? op->staff->display_name : display_name(op->by);
        record.handoff_changes.push_back({.reference = ref, .from = {HandoffState::requested}, .to = HandoffState::accepted, .at = op->now, .accepted_by = op->actor_id(), .staff_name = name, .via = op->via()});
        json frame = protocol::handoff_json("accepted", ref, op->now);
        frame["name"] = name;
        // The hub they answer for, so the page can say "Eve (East hub) has joined".
        // Said once: a display name that already names the hub ("A. Khan (East hub)") gets no team.
        if (op->staff && !op->staff->scope.empty()) {
          const std::string team = static_cast<char>(std::toupper(static_cast<unsigned char>(op->staff->scope[0]))) + op->staff->scope.substr(1) + " hub";
          if (name.find(team) == std::string::npos) frame["team"] = team;
        }
        op->notice = HandoffNotice{HandoffNotice::Kind::accepted, ref, name, turn(std::move(frame)), op->now};
        record.outbox = events("accepted", ref, row->conversation_id, row->route, row->queue, {{"by", name}, {"via", op->via()}}, op->now, op->via());
        op->console_event = "accepted";
        if (op->staff) op->reply = {{"reference", ref}, {"conversation", row->conversation_id}, {"transcript", transcript_for_staff()}};
        break;
      }
      case Op::Kind::message: {
        if (row->status != HandoffState::accepted || !op->owns(*row)) refuse("not_active", "You do not have this handoff open, so the message was not sent.");
        if (op->text.empty() || op->text.size() > kMaxStaffText) refuse("bad_request", "A message needs text of at most 4000 characters.");
        op->notice = HandoffNotice{HandoffNotice::Kind::staff_message, ref, row->staff_name,
                                   turn(protocol::staff_message_json(row->staff_name, op->text, op->now)), op->now};
        break;
      }
      case Op::Kind::end: {
        if (row->status == HandoffState::accepted ? !op->owns(*row) : row->status != HandoffState::requested)
          refuse("not_active", "This handoff is not yours to end (" + std::string(to_string(row->status)) + ").");
        const std::string name = row->status == HandoffState::accepted ? row->staff_name : (op->staff ? op->staff->display_name : display_name(op->by));
        const std::string note = redact(op->text.substr(0, kMaxStaffText));
        record.handoff_changes.push_back({.reference = ref, .from = {HandoffState::requested, HandoffState::accepted}, .to = HandoffState::ended, .at = op->now, .ended_by = op->actor_id(),
                                          .wrap_up = note.empty() ? std::nullopt : std::optional<std::string>(note)});
        json frame = protocol::handoff_json("ended", ref, op->now);
        frame["name"] = name;
        op->notice = HandoffNotice{HandoffNotice::Kind::ended, ref, name, turn(std::move(frame)), op->now};
        record.outbox = events("ended", ref, row->conversation_id, row->route, row->queue, {{"by", name}, {"via", op->via()}}, op->now, op->via());
        op->console_event = "ended";
        break;
      }
      case Op::Kind::reject: {
        if (row->status != HandoffState::requested) refuse("not_waiting", "This handoff is no longer waiting (" + std::string(to_string(row->status)) + ").");
        if (row->unavailable_at) break;  // already told: nothing more to say
        record.handoff_changes.push_back({.reference = ref, .from = {HandoffState::requested}, .at = op->now, .unavailable_at = op->now});
        op->notice = HandoffNotice{HandoffNotice::Kind::unavailable, ref, "",
                                   turn(protocol::handoff_unavailable_json(ref, contacts_for(row->route), row->urgent, op->now)), op->now};
        break;
      }
      case Op::Kind::open: {
        // Only an open handoff can be opened: one waiting in the member's queue, or theirs.
        // A closed one looks the same as an unknown one, so references cannot be probed.
        if (row->status != HandoffState::requested && row->status != HandoffState::accepted)
          refuse("unknown_reference", "There is no handoff " + op->reference.substr(0, 20) + ".");
        if (row->status == HandoffState::accepted && !op->owns(*row) && !op->staff->scope.empty())
          refuse("not_active", "Someone else has this handoff (" + row->staff_name + ").");
        op->reply = {{"reference", ref}, {"conversation", row->conversation_id}, {"status", to_string(row->status)}, {"transcript", transcript_for_staff()}};
        break;
      }
      case Op::Kind::queue:
        break;
    }
    op->queued_events = !record.outbox.empty();
    store::SqliteConversationLog::apply(db, record);
  };
  writer_.submit(std::move(work), [this, op, done = std::move(done)](const store::WriteResult& result) {
    ControlOutcome outcome = outcome_of(result);
    if (result.ok()) {
      if (op->queued_events && outbox_) outbox_->wake();
      if (op->notice) {
        if (op->notice->kind == HandoffNotice::Kind::accepted) metrics_.handoffs_accepted++;
        hub_.notify_practitioner(op->row.conversation_id, *op->notice);
      }
      if (!op->console_event.empty()) hub_.to_consoles(op->row.queue, {{"type", "queue_changed"}, {"reference", op->reference}, {"event", op->console_event}});
    } else if (outcome.code == "server_busy") {
      spdlog::error("handoff {}: could not apply a staff action: {}", op->reference.substr(0, 20), result.message);
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
