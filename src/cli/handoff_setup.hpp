// Builds the handoff machinery `serve` runs: the connectors named in the configuration (by
// type, from the registry), checked against the content (every route's contacts must exist).
#pragma once
#include <functional>
#include <string>

#include "core/guidance_set.hpp"
#include "core/result.hpp"
#include "handoff/connector.hpp"
#include "handoff/outbox_worker.hpp"
#include "config.hpp"

namespace rc::cli {

// Every handoff route's contacts exist in `guidance`'s content (checked again on a reload).
Result<bool> check_route_contacts(const Config& config, const GuidanceSet& guidance);

// Returns an error naming the key (and the config file) for the first problem.
Result<bool> build_connectors(const Config& config, const GuidanceSet& guidance, handoff::HandoffControl& control,
                              handoff::ConsoleBroadcast& consoles, std::function<handoff::Millis()> now, handoff::ConnectorSet& into);

}  // namespace rc::cli
