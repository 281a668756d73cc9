// The connector interface: how a handoff reaches a person outside the chat (a staff console,
// a ticketing system over a webhook, a hub mailbox) and how that person answers back.
//
// The server writes every outbound event to the outbox in the same transaction as the turn
// that caused it; an outbox worker then calls Connector::deliver() until the connector says
// the peer has it (delivered or duplicate), the peer is gone, or the retry window closes.
// So a connector only delivers one event at a time and reports what the peer said: it never
// queues, retries or persists by itself. See docs/connectors.md.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace rc::handoff {

using Millis = std::int64_t;

// One event for one connector, as stored in the outbox.
struct OutboundEvent {
  std::int64_t outbox_id = 0;
  std::string event_id;         // "evt_<32 hex>": unique, stable across retries: the idempotency key
  std::string kind;             // requested | message | accepted | cancelled | ended
  std::string reference;        // the handoff reference shown to the practitioner, e.g. "HO-7KQ2-M9XD"
  std::string conversation_id;
  std::string connector;        // the connector's name in the configuration
  Millis created_at = 0;
  int attempt = 1;              // 1 on the first try
  nlohmann::json payload;       // the thin payload, already cut to what this connector may see
};

enum class DeliveryStatus {
  delivered,  // the peer acknowledged it (2xx, 250...)
  duplicate,  // the peer already had it (409): as good as delivered
  retry,      // try again later (429, 5xx, timeout, connection refused...)
  gone,       // the peer says never again (410): the connector is disabled and an alert raised
};

struct Delivery {
  DeliveryStatus status = DeliveryStatus::retry;
  std::string detail;                            // for the outbox row and the log: never secrets or payload text
  std::optional<int> retry_after_seconds;        // when the peer said (Retry-After)
};

// What a person on the other side did. The server applies it to the handoff (in one
// transaction with the turn it causes) and tells the practitioner.
struct ControlOutcome {
  bool ok = true;
  bool duplicate = false;   // the same callback id was applied before: nothing done again
  std::string code;         // when !ok: unknown_reference | not_waiting | not_active | bad_request | server_busy
  std::string message;
};
using ControlDone = std::function<void(ControlOutcome)>;

// Who acted, as a connector knows them.
struct PeerActor {
  std::string connector;      // the connector's name
  std::string id;             // the peer's id for the person, e.g. "crm:4711" (free form, may be empty)
  std::string display_name;   // shown to the practitioner, e.g. "Sam (East hub)"
};

// Implemented by the server. `callback_id` (e.g. a webhook-id) makes a report idempotent:
// a second report with the same id for the same connector is acknowledged and ignored.
// `done` may run on any thread.
class HandoffControl {
 public:
  virtual ~HandoffControl() = default;
  virtual void accept(const std::string& reference, const PeerActor& by, const std::string& callback_id, ControlDone done) = 0;
  virtual void reject(const std::string& reference, const PeerActor& by, const std::string& reason, const std::string& callback_id,
                      ControlDone done) = 0;
  virtual void staff_message(const std::string& reference, const PeerActor& by, const std::string& text, const std::string& callback_id,
                             ControlDone done) = 0;
  virtual void end(const std::string& reference, const PeerActor& by, const std::string& note, const std::string& callback_id,
                   ControlDone done) = 0;
};

// An HTTP request a peer made to POST /v1/connectors/<type>/<name> (on the staff listener).
struct CallbackRequest {
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote_address;
};
struct CallbackReply {
  int status = 404;
  std::string body;  // JSON
};

// Live staff consoles, for the console connector: implemented by the server.
class ConsoleBroadcast {
 public:
  virtual ~ConsoleBroadcast() = default;
  // Tells every console that may see this handoff that it changed. Returns false when no
  // console could be told (none connected): the event is then still delivered, since the
  // console's queue is read from the database on connect.
  virtual bool publish(const OutboundEvent& event) = 0;
};

// What a connector is built from.
struct ConnectorContext {
  std::string name;                // e.g. "east_email"
  std::string type;                // e.g. "email"
  nlohmann::json settings;         // its block in config (handoff.connectors.<name>), secrets included
  std::string config_file;         // for error messages
  HandoffControl* control = nullptr;
  ConsoleBroadcast* consoles = nullptr;
  std::function<Millis()> now;     // the server's clock (tests inject their own)
};

class Connector {
 public:
  virtual ~Connector() = default;
  // Whether this connector takes events of this kind (others are never queued for it).
  virtual bool wants(std::string_view kind) const = 0;
  // Whether the payload it receives may include free text (the reason, typed answers, messages).
  virtual bool includes_free_text() const { return false; }
  // Delivers one event. Runs on an outbox worker thread and may block, but no longer than the
  // connector's own timeout. Must not throw for peer failures: they are a Delivery::retry.
  virtual Delivery deliver(const OutboundEvent& event) = 0;
  // A signed callback from the peer. Runs on a staff-listener thread; may block on `control`.
  virtual CallbackReply callback(const CallbackRequest& request, HandoffControl& control) {
    return {404, R"({"error":"not_found","message":"this connector takes no callbacks"})"};
  }
};

// Settings errors name the key: "handoff.connectors.east_email.to: expected a list of addresses".
using ConnectorFactory = std::function<Result<std::unique_ptr<Connector>>(const ConnectorContext&)>;

// Connector types by name. Adding a connector means adding a folder under connectors/ and one
// line in connectors/builtin_connectors.cpp: nothing else in the server changes.
class ConnectorRegistry {
 public:
  void add(const std::string& type, ConnectorFactory factory) { factories_[type] = std::move(factory); }
  bool has(const std::string& type) const { return factories_.count(type) != 0; }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& [t, f] : factories_) out.push_back(t);
    return out;
  }
  Result<std::unique_ptr<Connector>> make(const ConnectorContext& ctx) const {
    auto it = factories_.find(ctx.type);
    if (it == factories_.end()) return make_error("handoff.connectors." + ctx.name + ".type: unknown connector type \"" + ctx.type + "\"", ctx.config_file);
    return it->second(ctx);
  }

 private:
  std::map<std::string, ConnectorFactory> factories_;
};

}  // namespace rc::handoff
