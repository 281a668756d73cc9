// See conversation_script.hpp.
#include "conversation_script.hpp"

#include <nlohmann/json.hpp>

namespace bench {
namespace {

std::string open_object(const nlohmann::json& j) {
  std::string s = j.dump();
  s.pop_back();  // the closing brace: message() adds "ref" and closes it again
  return s;
}

std::string answer(const std::string& node, const std::string& option) {
  return open_object({{"type", "answer"}, {"node", node}, {"option", option}});
}

ScriptStep prompt(std::string message, std::string node) { return {std::move(message), "prompt", std::move(node), ""}; }

}  // namespace

ConversationScript ConversationScript::early_help_east(const std::string& dialog) {
  ConversationScript s;
  s.steps_ = {
      prompt(open_object({{"type", "start"}, {"dialog", dialog}, {"channel", "web"}}), "danger"),
      prompt(answer("danger", "no"), "harm"),
      prompt(answer("harm", "no"), "consent_talked"),
      prompt(answer("consent_talked", "yes"), "consent_answer"),
      prompt(answer("consent_answer", "agree"), "step_down"),
      prompt(answer("step_down", "no"), "needs"),
      prompt(answer("needs", "multi"), "hub_notes"),  // after an info message (think_family)
      prompt(open_object({{"type", "answer"}, {"node", "hub_notes"}, {"text", "a note"}}), "area"),
      {answer("area", "east"), "outcome", "hub_east", "hub_request_east"},
      {open_object({{"type", "end"}}), "ended", "", ""},
  };
  return s;
}

std::string ConversationScript::message(std::size_t i, std::string_view ref) const {
  std::string m = steps_[i].message;
  m += ",\"ref\":\"";
  m += ref;
  m += "\"}";
  return m;
}

bool is_final_type(std::string_view type) { return type == "prompt" || type == "outcome" || type == "ended"; }

}  // namespace bench
