// Who is connected now: the practitioner's chat session for each conversation with a handoff,
// and the staff consoles. The database is the truth; this only routes live notices, so a
// notice to someone not connected is simply not sent (they read the state when they return).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "connector.hpp"

namespace rc {

// A change the practitioner's session must show and act on. `frames` are exactly what was logged
// (typing: shown, never logged).
struct HandoffNotice {
  enum class Kind { accepted, staff_message, ended, unavailable, typing } kind = Kind::accepted;
  std::string reference, staff_name;
  std::vector<std::string> frames;
  std::int64_t at = 0;  // when it was logged (ms since the epoch)
};

class PractitionerLink {
 public:
  virtual ~PractitionerLink() = default;
  // Called from any thread: the session moves it onto its own strand.
  virtual void handoff_notice(HandoffNotice notice) = 0;
};

class ConsoleLink {
 public:
  virtual ~ConsoleLink() = default;
  // The queue this console sees: "east", "west", "south", or "" for every queue (admin).
  virtual std::string scope() const = 0;
  virtual std::string staff_id() const = 0;
  // Called from any thread: the session moves it onto its own strand.
  virtual void console_event(nlohmann::json event) = 0;
};

class HandoffHub : public handoff::ConsoleBroadcast {
 public:
  void attach(const std::string& conversation_id, const std::shared_ptr<PractitionerLink>& link);
  void detach(const std::string& conversation_id, const PractitionerLink* link);
  bool practitioner_online(const std::string& conversation_id) const;
  // True when a connected practitioner was told.
  bool notify_practitioner(const std::string& conversation_id, HandoffNotice notice);

  void add_console(const std::shared_ptr<ConsoleLink>& console);
  void remove_console(const ConsoleLink* console);
  // To every console that sees `queue` ("any" is seen by all). Returns how many were told.
  int to_consoles(const std::string& queue, const nlohmann::json& event);
  // To the consoles of one staff member (several tabs).
  int to_staff(const std::string& staff_id, const nlohmann::json& event);
  std::size_t consoles_online() const;

  // The console connector's delivery: tells the consoles that see the handoff's queue.
  bool publish(const handoff::OutboundEvent& event) override;

  // Instances sharing one database (hub_relay.hpp): what this hub tells consoles, and notices
  // for a practitioner not connected here, also go to the relay, which hands them to the other
  // instances; theirs come back through deliver(), told here only. Set before serving.
  using Relay = std::function<void(const nlohmann::json& news, const std::string& conversation_id)>;
  void set_relay(Relay relay);
  // Told when a practitioner with an open handoff connects here (true) or leaves (false), so
  // other instances can show them online. Set before serving.
  using PresenceHook = std::function<void(const std::string& conversation_id, bool online)>;
  void set_presence_hook(PresenceHook hook);
  // The conversations whose practitioner is connected here now.
  std::vector<std::string> practitioners_online() const;
  void deliver(const nlohmann::json& news);

 private:
  void tell_consoles(const std::string& queue, const nlohmann::json& event, int& told) const;
  void tell_staff(const std::string& staff_id, const nlohmann::json& event, int& told) const;
  bool tell_practitioner(const std::string& conversation_id, HandoffNotice notice) const;
  // Set and unset while sessions run (the relay stops before the writer): read under mutex_.
  Relay relay() const;
  PresenceHook presence_hook() const;
  Relay relay_;
  PresenceHook presence_hook_;
  std::vector<std::shared_ptr<ConsoleLink>> consoles_snapshot() const;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<PractitionerLink>> practitioners_;
  std::unordered_map<const ConsoleLink*, std::weak_ptr<ConsoleLink>> consoles_;
};

// Whether a console with this scope sees a handoff in this queue.
inline bool scope_sees(const std::string& scope, const std::string& queue) { return scope.empty() || queue == "any" || scope == queue; }

}  // namespace rc
