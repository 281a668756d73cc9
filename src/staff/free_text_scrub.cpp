// See free_text_scrub.hpp.
#include "free_text_scrub.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "core/outcome_summary.hpp"

namespace rc::staff {

using json = nlohmann::json;

namespace {

// Shorter typed strings ("no", "2") are answers, not accounts of anyone; replacing them
// inside other text would mangle the guidance shown, not protect anyone.
constexpr std::size_t kShortest = 4;

void replace_all(std::string& s, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size())) s.replace(at, what.size(), with);
}

// Values the server sets from the dialog, the guidance, its clock or its own ids: never typed.
// A typed "notes" or "March" inside one ("hub_notes", a date) is a coincidence, and replacing
// it would break the record (a state naming a node that does not exist, a frame whose type
// review no longer knows), not remove anything anyone typed.
bool is_identifier_key(const std::string& key) {
  static constexpr std::string_view kKeys[] = {"type",   "node",   "current", "dialog",   "version", "option",    "outcome",
                                               "code",   "layout", "id",      "reference", "channel", "area",      "work_area",
                                               "agency", "kind",   "level",   "category", "status",  "date",      "time_utc"};
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

bool is_free_text_key(const std::string& type, const std::string& key) {
  if (key == "reason" || key == "wrap_up") return true;
  if (key == "text") return type == "message" || type == "note" || type == "answer" || type == "handoff" || type.empty();
  if (key == "note") return type == "wrapped_up" || type == "note" || type == "wrap_up" || type == "end" || type.empty();
  return false;
}

}  // namespace

void TypedText::add(const std::string& text) {
  if (text.size() < kShortest || text == kPurged) return;
  if (std::find(texts_.begin(), texts_.end(), text) != texts_.end()) return;
  texts_.push_back(text);
  // Longest first, so a text that contains another is replaced whole.
  std::sort(texts_.begin(), texts_.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string TypedText::scrub(std::string value) const {
  for (const auto& t : texts_) {
    replace_all(value, t, kPurged);
    // The summary's text form indents a multi-line answer's continuation lines.
    if (t.find('\n') != std::string::npos) replace_all(value, summary_indented(t), kPurged);
  }
  return value;
}

void scrub_json(json& value, const TypedText& typed) {
  if (value.is_string()) {
    value = typed.scrub(value.get<std::string>());
    return;
  }
  if (value.is_array()) {
    for (auto& v : value) scrub_json(v, typed);
    return;
  }
  if (!value.is_object()) return;
  const std::string type = value.contains("type") && value["type"].is_string() ? value["type"].get<std::string>() : "";
  for (auto it = value.begin(); it != value.end(); ++it) {
    // A logged frame's "$template" names the text it shares (store/logged_frames.hpp): an id,
    // never typed, that a typed "2019" or "face" could otherwise break.
    if (it.key().starts_with('$') && it.value().is_string()) continue;
    if (it.value().is_string() && is_identifier_key(it.key())) continue;
    if (it.key() == "ref" || (it.value().is_string() && is_free_text_key(type, it.key()))) {
      it.value() = kPurged;
      continue;
    }
    scrub_json(it.value(), typed);
  }
}

}  // namespace rc::staff
