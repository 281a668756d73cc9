// Tells systemd (Type=notify) where the service is: READY=1 once it listens with the database
// open, RELOADING=1 then READY=1 around a reload, STOPPING=1. Nothing happens when systemd did
// not start it (no NOTIFY_SOCKET).
#pragma once
#include <string>

namespace rc::cli {

void notify_systemd(const std::string& state);

}  // namespace rc::cli
