// See systemd_notify.hpp.
#include "systemd_notify.hpp"

#include <systemd/sd-daemon.h>

namespace rc::cli {

void notify_systemd(const std::string& state) { sd_notify(0, state.c_str()); }

}  // namespace rc::cli
