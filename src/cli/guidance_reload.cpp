// See guidance_reload.hpp.
#include "guidance_reload.hpp"

#include <spdlog/spdlog.h>

#include "guidance/guidance_loader.hpp"
#include "handoff_setup.hpp"
#include "systemd_notify.hpp"

namespace rc::cli {

void remember_dialogs(store::ConversationLog& log, const GuidanceSet& guidance, std::int64_t now) {
  for (const auto& d : guidance.dialogs)
    log.remember_dialog(d.id, d.content_hash, d.version, d.source_text, now, [id = d.id](const store::WriteResult& result) {
      if (!result.ok()) spdlog::error("could not store the text of dialog {}: {}", id, result.message);
    });
}

std::vector<std::string> reload_refusal(const Config& config, const GuidanceSet& running, const GuidanceSet& next) {
  std::vector<std::string> why;
  for (const auto& p : next.problems)
    if (p.severity == Severity::error && why.size() < 20) why.push_back(p.describe());
  if (next.dialogs.empty()) why.push_back("no dialogs were found");
  // Pages and widgets start dialogs by id: one gone would fail every start until a restart.
  for (const auto& d : running.dialogs)
    if (!next.find(d.id)) why.push_back("dialog \"" + d.id + "\" is gone (remove a dialog with a restart, not a reload)");
  if (auto contacts = check_route_contacts(config, next); !contacts) why.push_back(contacts.error().describe());
  return why;
}

bool GuidanceReload::operator()() {
  std::lock_guard lock(running_);
  notify_systemd("RELOADING=1");
  bool swapped = false;
  try {
    swapped = reload();
  } catch (const std::exception& e) {  // a file that cannot be read, memory: the running set stays
    spdlog::error("reload refused: {}; still serving the running version", e.what());
  }
  notify_systemd("READY=1\nSTATUS=" + std::string(swapped ? "serving; reloaded" : "serving; last reload refused (see the log)"));
  return swapped;
}

bool GuidanceReload::reload() {
  auto next = std::make_shared<GuidanceSet>(
      load_guidance(config_.dialogs, config_.content, config_.contacts, config_.file.empty() ? "config" : config_.file, config_.spelling_dictionary));
  const auto running = source_.current();
  const auto refusal = reload_refusal(config_, *running, *next);
  if (!refusal.empty()) {
    // One line per reason: journald gives each line its own priority.
    spdlog::error("reload refused: the dialogs or content have errors; still serving the running version");
    for (const auto& why : refusal) spdlog::error("reload refused: {}", why);
    return false;
  }
  for (const auto& p : next->problems) spdlog::warn("{}", p.describe());
  // Queued before any conversation can start on the new set; the writer commits in order.
  remember_dialogs(log_, *next, now_());
  std::string versions;
  for (const auto& d : next->dialogs) versions += (versions.empty() ? "" : ", ") + d.id + " " + d.version + " (" + d.content_hash.substr(0, 12) + ")";
  source_.replace(std::move(next));
  spdlog::info("reloaded the dialogs and content: {}; conversations under way whose dialog changed finish on the version they began on", versions);
  return true;
}

}  // namespace rc::cli
