// See handoff_hub.hpp.
#include "handoff_hub.hpp"

#include <optional>

namespace rc {

void HandoffHub::attach(const std::string& conversation_id, const std::shared_ptr<PractitionerLink>& link) {
  {
    std::lock_guard lock(mutex_);
    practitioners_[conversation_id] = link;  // the newest connection (tab) gets the notices
  }
  if (auto hook = presence_hook()) hook(conversation_id, true);
}

void HandoffHub::detach(const std::string& conversation_id, const PractitionerLink* link) {
  {
    std::lock_guard lock(mutex_);
    auto it = practitioners_.find(conversation_id);
    if (it == practitioners_.end()) return;
    auto current = it->second.lock();
    if (current && current.get() != link) return;  // a newer tab has it
    practitioners_.erase(it);
  }
  if (auto hook = presence_hook()) hook(conversation_id, false);
}

void HandoffHub::set_relay(Relay relay) {
  std::lock_guard lock(mutex_);
  relay_ = std::move(relay);
}

void HandoffHub::set_presence_hook(PresenceHook hook) {
  std::lock_guard lock(mutex_);
  presence_hook_ = std::move(hook);
}

HandoffHub::Relay HandoffHub::relay() const {
  std::lock_guard lock(mutex_);
  return relay_;
}

HandoffHub::PresenceHook HandoffHub::presence_hook() const {
  std::lock_guard lock(mutex_);
  return presence_hook_;
}

std::vector<std::string> HandoffHub::practitioners_online() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, link] : practitioners_)
    if (!link.expired()) out.push_back(id);
  return out;
}

bool HandoffHub::practitioner_online(const std::string& conversation_id) const {
  std::lock_guard lock(mutex_);
  auto it = practitioners_.find(conversation_id);
  return it != practitioners_.end() && !it->second.expired();
}

bool HandoffHub::tell_practitioner(const std::string& conversation_id, HandoffNotice notice) const {
  std::shared_ptr<PractitionerLink> link;
  {
    std::lock_guard lock(mutex_);
    auto it = practitioners_.find(conversation_id);
    if (it != practitioners_.end()) link = it->second.lock();
  }
  if (!link) return false;
  link->handoff_notice(std::move(notice));
  return true;
}

namespace {

nlohmann::json notice_json(const HandoffNotice& n) {
  return {{"kind", static_cast<int>(n.kind)}, {"reference", n.reference}, {"staff_name", n.staff_name}, {"frames", n.frames}, {"at", n.at}};
}

std::optional<HandoffNotice> notice_of(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_number_integer()) return std::nullopt;
  const int kind = j["kind"].get<int>();
  if (kind < 0 || kind > static_cast<int>(HandoffNotice::Kind::typing)) return std::nullopt;
  HandoffNotice n;
  n.kind = static_cast<HandoffNotice::Kind>(kind);
  n.reference = j.value("reference", "");
  n.staff_name = j.value("staff_name", "");
  n.at = j.value("at", std::int64_t{0});
  for (const auto& f : j.value("frames", nlohmann::json::array()))
    if (f.is_string()) n.frames.push_back(f.get<std::string>());
  return n;
}

}  // namespace

// A practitioner is connected to one instance: told here when here, else through the relay.
bool HandoffHub::notify_practitioner(const std::string& conversation_id, HandoffNotice notice) {
  const auto relay = this->relay();
  if (!relay) return tell_practitioner(conversation_id, std::move(notice));
  const nlohmann::json news{{"to", "practitioner"}, {"conversation", conversation_id}, {"notice", notice_json(notice)}};
  if (tell_practitioner(conversation_id, std::move(notice))) return true;
  relay(news, conversation_id);
  return false;
}

void HandoffHub::deliver(const nlohmann::json& news) {
  if (!news.is_object()) return;
  const std::string to = news.value("to", "");
  int told = 0;
  if (to == "consoles") tell_consoles(news.value("queue", "any"), news.value("event", nlohmann::json::object()), told);
  else if (to == "staff") tell_staff(news.value("staff", ""), news.value("event", nlohmann::json::object()), told);
  else if (to == "practitioner")
    if (auto notice = notice_of(news.value("notice", nlohmann::json())); notice) tell_practitioner(news.value("conversation", ""), std::move(*notice));
}

void HandoffHub::add_console(const std::shared_ptr<ConsoleLink>& console) {
  std::lock_guard lock(mutex_);
  consoles_[console.get()] = console;
}

void HandoffHub::remove_console(const ConsoleLink* console) {
  std::lock_guard lock(mutex_);
  consoles_.erase(console);
}

std::vector<std::shared_ptr<ConsoleLink>> HandoffHub::consoles_snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<ConsoleLink>> out;
  for (const auto& [k, w] : consoles_)
    if (auto c = w.lock()) out.push_back(std::move(c));
  return out;
}

void HandoffHub::tell_consoles(const std::string& queue, const nlohmann::json& event, int& told) const {
  for (const auto& c : consoles_snapshot())
    if (scope_sees(c->scope(), queue)) {
      c->console_event(event);
      ++told;
    }
}

void HandoffHub::tell_staff(const std::string& staff_id, const nlohmann::json& event, int& told) const {
  for (const auto& c : consoles_snapshot())
    if (c->staff_id() == staff_id) {
      c->console_event(event);
      ++told;
    }
}

// Consoles may be connected to any instance: told here, and through the relay.
int HandoffHub::to_consoles(const std::string& queue, const nlohmann::json& event) {
  int told = 0;
  tell_consoles(queue, event, told);
  if (const auto relay = this->relay()) relay({{"to", "consoles"}, {"queue", queue}, {"event", event}}, "");
  return told;
}

int HandoffHub::to_staff(const std::string& staff_id, const nlohmann::json& event) {
  int told = 0;
  tell_staff(staff_id, event, told);
  if (const auto relay = this->relay()) relay({{"to", "staff"}, {"staff", staff_id}, {"event", event}}, "");
  return told;
}

std::size_t HandoffHub::consoles_online() const { return consoles_snapshot().size(); }

bool HandoffHub::publish(const handoff::OutboundEvent& event) {
  const std::string queue = event.payload.value("queue", std::string("any"));
  return to_consoles(queue, {{"type", "queue_changed"}, {"reference", event.reference}, {"event", event.kind}}) > 0;
}

}  // namespace rc
