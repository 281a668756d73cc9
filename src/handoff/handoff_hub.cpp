// See handoff_hub.hpp.
#include "handoff_hub.hpp"

namespace rc {

void HandoffHub::attach(const std::string& conversation_id, const std::shared_ptr<PractitionerLink>& link) {
  std::lock_guard lock(mutex_);
  practitioners_[conversation_id] = link;  // the newest connection (tab) gets the notices
}

void HandoffHub::detach(const std::string& conversation_id, const PractitionerLink* link) {
  std::lock_guard lock(mutex_);
  auto it = practitioners_.find(conversation_id);
  if (it == practitioners_.end()) return;
  auto current = it->second.lock();
  if (!current || current.get() == link) practitioners_.erase(it);
}

bool HandoffHub::practitioner_online(const std::string& conversation_id) const {
  std::lock_guard lock(mutex_);
  auto it = practitioners_.find(conversation_id);
  return it != practitioners_.end() && !it->second.expired();
}

bool HandoffHub::notify_practitioner(const std::string& conversation_id, HandoffNotice notice) {
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

int HandoffHub::to_consoles(const std::string& queue, const nlohmann::json& event) {
  int told = 0;
  for (const auto& c : consoles_snapshot())
    if (scope_sees(c->scope(), queue)) {
      c->console_event(event);
      ++told;
    }
  return told;
}

int HandoffHub::to_staff(const std::string& staff_id, const nlohmann::json& event) {
  int told = 0;
  for (const auto& c : consoles_snapshot())
    if (c->staff_id() == staff_id) {
      c->console_event(event);
      ++told;
    }
  return told;
}

std::size_t HandoffHub::consoles_online() const { return consoles_snapshot().size(); }

bool HandoffHub::publish(const handoff::OutboundEvent& event) {
  const std::string queue = event.payload.value("queue", std::string("any"));
  return to_consoles(queue, {{"type", "queue_changed"}, {"reference", event.reference}, {"event", event.kind}}) > 0;
}

}  // namespace rc
