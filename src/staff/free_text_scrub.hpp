// Removes typed text from logged JSON (the frames a conversation was shown, outbox payloads):
// what the retention purge does to everything that is not a column of its own. Pure.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rc::staff {

inline constexpr const char* kPurged = "[purged]";

// The typed strings of one conversation, as they were logged (already redacted).
class TypedText {
 public:
  void add(const std::string& text);
  bool empty() const { return texts_.empty(); }
  // `value` with every typed string in it (as typed, or as the summary indents it) replaced.
  std::string scrub(std::string value) const;

 private:
  std::vector<std::string> texts_;
};

// In place: every "ref" the client chose; the text of live messages and notes, a wrap-up's
// note, a handoff's reason; and any typed string inside other text (an outcome's summary).
void scrub_json(nlohmann::json& value, const TypedText& typed);

}  // namespace rc::staff
