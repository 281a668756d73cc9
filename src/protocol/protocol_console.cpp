// The staff console's frames that come from content or go both ways (docs/protocol.md, "Staff
// console"): canned replies and the typing notice.
#include <algorithm>
#include <tuple>

#include "protocol.hpp"

namespace rc::protocol {

using json = nlohmann::json;

json canned_replies_json(const Catalogue& content) {
  std::vector<const CannedReply*> in_order;
  for (const auto& [id, r] : content.canned_replies) in_order.push_back(&r);
  std::sort(in_order.begin(), in_order.end(), [](const CannedReply* a, const CannedReply* b) { return std::tie(a->file, a->line) < std::tie(b->file, b->line); });
  json out = json::array();
  for (const CannedReply* r : in_order)
    if (auto filled = fill_contact_details(r->text, content)) out.push_back({{"id", r->id}, {"label", r->label}, {"text", filled.value()}});
  return out;
}

json typing_json(const std::string& name) {
  json j{{"type", "typing"}};
  if (!name.empty()) j["name"] = name;
  return j;
}

}  // namespace rc::protocol
