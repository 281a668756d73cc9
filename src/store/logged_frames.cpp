// See logged_frames.hpp.
#include "logged_frames.hpp"

namespace rc::store {

using json = nlohmann::json;

namespace {

constexpr const char* kTemplate = "$template";
constexpr const char* kSummary = "$summary";

// The summary's text: the shared parts with the conversation's own between them.
std::string joined_text(const json& shared, const json& own) {
  std::string out;
  for (std::size_t i = 0; i < shared.size(); ++i) {
    if (shared[i].is_string()) out += shared[i].get_ref<const std::string&>();
    if (i < own.size() && own[i].is_string()) out += own[i].get_ref<const std::string&>();
  }
  return out;
}

}  // namespace

// "summary" and "summary_fields" from a logged "$summary" and its template; false when either is not as written.
bool LoggedFrameReader::put_summary_back(json& frame, json& logged) {
  if (!logged.is_object() || !logged.contains(kTemplate) || !logged[kTemplate].is_string()) return false;
  const json* shared = body(logged[kTemplate].get<std::string>());
  if (!shared || !shared->contains("fields") || !shared->contains("text") || !logged.contains("text")) return false;
  json fields = (*shared)["fields"];
  for (auto& [name, value] : logged.items())
    if (name != kTemplate && name != "text") fields[name] = std::move(value);
  frame["summary"] = joined_text((*shared)["text"], logged["text"]);
  frame["summary_fields"] = std::move(fields);
  return true;
}

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
    for (auto& [name, value] : frame.items()) {
      if (name == kTemplate || (name == kSummary && put_summary_back(whole, value))) continue;
      whole[name] = std::move(value);
    }
    frame = std::move(whole);
  }
  return logged;
}

std::string LoggedFrameReader::expanded_text(const std::string& logged) {
  if (logged.find("\"$template\"") == std::string::npos) return logged;
  return expanded(json::parse(logged, nullptr, false)).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace rc::store
