// The fixed path the bench walks through the early-help dialog, and what each turn must end with.
// A turn is one client message and every server message it causes, up to the final reply.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace bench {

struct ScriptStep {
  std::string message;        // the client message as JSON text without its closing brace, so a "ref" can be added
  std::string final_type;     // "prompt", "outcome" or "ended"
  std::string final_node;     // the node the final reply names; empty when it names none
  std::string final_outcome;  // for an outcome: its code
};

class ConversationScript {
 public:
  // start → danger=no → harm=no → consent_talked=yes → consent_answer=agree → step_down=no
  // → needs=multi → hub_notes (text)
  // → area=east → outcome hub_east (hub_request_east) → end.
  static ConversationScript early_help_east(const std::string& dialog);

  std::size_t size() const { return steps_.size(); }
  const ScriptStep& step(std::size_t i) const { return steps_[i]; }
  bool is_last(std::size_t i) const { return i + 1 == steps_.size(); }
  // The message for step i, carrying `ref` so the final reply can be matched to it.
  std::string message(std::size_t i, std::string_view ref) const;

 private:
  std::vector<ScriptStep> steps_;
};

// The three reply types that finish a turn (besides "error", which finishes it as a failure).
bool is_final_type(std::string_view type);

}  // namespace bench
