// See handoff_setup.hpp.
#include "handoff_setup.hpp"

#include "builtin_connectors.hpp"
#include "handoff/connector_settings.hpp"

namespace rc::cli {

Result<bool> check_route_contacts(const Config& config, const GuidanceSet& guidance) {
  for (const auto& route : config.handoff.routes)
    for (const auto& id : route.contacts)
      if (!guidance.content.contacts.count(id))
        return make_error("handoff.routes: route \"" + route.name + "\" names contact \"" + id + "\", which content/ does not define",
                          config.file.empty() ? "config" : config.file);
  return true;
}

Result<bool> build_connectors(const Config& config, const GuidanceSet& guidance, handoff::HandoffControl& control,
                              handoff::ConsoleBroadcast& consoles, std::function<handoff::Millis()> now, handoff::ConnectorSet& into) {
  const std::string file = config.file.empty() ? "config" : config.file;
  if (auto contacts = check_route_contacts(config, guidance); !contacts) return contacts.error();
  handoff::ConnectorRegistry registry;
  handoff::register_builtin_connectors(registry);
  for (const auto& [name, settings] : config.handoff.connectors.items()) {
    handoff::ConnectorContext ctx{name, settings.value("type", ""), settings, file, &control, &consoles, now};
    auto connector = registry.make(ctx);
    if (!connector) return connector.error();
    auto retry = handoff::retry_policy_of(name, settings, file);
    if (!retry) return retry.error();
    into[name] = handoff::ConnectorSlot{std::move(connector.value()), retry.value(), ctx.type};
  }
  return true;
}

}  // namespace rc::cli
