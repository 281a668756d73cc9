// A staff member's open phone calls (not wrapped up, not ended, not abandoned): what the call
// page offers to resume after a reload, a crash or a closed tab (docs/protocol.md, "Phone calls").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sqlite_db.hpp"

namespace rc::store {

struct OpenCall {
  std::string conversation_id, reference, dialog_id, dialog_version;
  std::string state;  // the conversation's state JSON: where the script is
  std::int64_t started_at = 0;
};

// Newest first.
std::vector<OpenCall> open_calls_of(Db& db, const std::string& staff_id);

}  // namespace rc::store
