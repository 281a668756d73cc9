// See logged_frames.hpp.
#include "logged_frames.hpp"

namespace rc::store {

using json = nlohmann::json;

namespace {

constexpr const char* kTemplate = "$template";

}  // namespace

const json* LoggedFrameReader::body(const std::string& id) {
  if (auto it = bodies_.find(id); it != bodies_.end()) return &it->second;
  Query q(db_, "SELECT body FROM frame_templates WHERE id = ?1");
  q.bind(1, id);
  if (!q.step()) return nullptr;
  json body = json::parse(q.text(0), nullptr, false);
  if (!body.is_object()) return nullptr;
  return &bodies_.emplace(id, std::move(body)).first->second;
}

json LoggedFrameReader::expanded(json logged) {
  if (!logged.is_array()) return logged;
  for (auto& frame : logged) {
    if (!frame.is_object()) continue;
    const auto named = frame.find(kTemplate);
    if (named == frame.end() || !named->is_string()) continue;
    const json* b = body(named->get<std::string>());
    if (!b) continue;
    json whole = *b;
    for (auto& [name, value] : frame.items())
      if (name != kTemplate) whole[name] = std::move(value);
    frame = std::move(whole);
  }
  return logged;
}

std::string LoggedFrameReader::expanded_text(const std::string& logged) {
  if (logged.find("\"$template\"") == std::string::npos) return logged;
  return expanded(json::parse(logged, nullptr, false)).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace rc::store
