// The chat protocol's phone-call messages (docs/protocol.md, "Phone calls"): urgent, note and
// wrap_up, parsed and logged. Whether one is allowed now is the session's question
// (chat_session_call.cpp, call_wrap_up.cpp); here only their shape is checked.
#include "protocol.hpp"

namespace rc::protocol {
namespace {

using json = nlohmann::json;

// A text field that may be left out ("" then); present but not text is an error.
bool optional_text(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

std::variant<Command, Error> parse_note(const json& j, const std::optional<std::string>& ref) {
  std::string text;
  if (!optional_text(j, "text", text)) return Error{"bad_message", "\"text\" must be text.", ref};
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return Error{"bad_message", "\"note\" needs some \"text\".", ref};
  if (text.size() > kMaxTypedText) return Error{"bad_message", "A note is at most " + std::to_string(kMaxTypedText) + " characters.", ref};
  return Command{NoteMsg{text}};
}

bool is_caller_role(const std::string& id) {
  for (const auto& r : caller_roles_json())
    if (r["id"] == id) return true;
  return false;
}

// The optional caller fields of a wrap-up: null or left out means the worker did not say.
std::optional<std::string> parse_caller(const json& j, WrapUpMsg& w) {
  if (auto it = j.find("caller_role"); it != j.end() && !it->is_null()) {
    if (!it->is_string() || !is_caller_role(it->get<std::string>()))
      return "\"caller_role\" must be one of the caller roles (school, early_years, health, gp, police, youth_service, voluntary_sector, adult_services, other).";
    w.caller_role = it->get<std::string>();
  }
  if (auto it = j.find("callback_promised"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return "\"callback_promised\" must be true or false.";
    w.callback_promised = it->get<bool>();
  }
  return std::nullopt;
}

std::variant<Command, Error> parse_wrap_up(const json& j, const std::optional<std::string>& ref) {
  WrapUpMsg w;
  if (auto it = j.find("outcome_confirmed"); it != j.end()) {
    if (!it->is_boolean()) return Error{"bad_message", "\"outcome_confirmed\" must be true or false.", ref};
    w.outcome_confirmed = it->get<bool>();
  }
  if (!optional_text(j, "code", w.code)) return Error{"bad_message", "\"code\" must be text.", ref};
  if (!optional_text(j, "note", w.note)) return Error{"bad_message", "\"note\" must be text.", ref};
  if (w.code.size() > 64) return Error{"bad_message", "\"code\" is at most 64 characters.", ref};
  if (w.note.size() > kMaxTypedText) return Error{"bad_message", "A wrap-up note is at most " + std::to_string(kMaxTypedText) + " characters.", ref};
  if (auto problem = parse_caller(j, w)) return Error{"bad_message", *problem, ref};
  return Command{std::move(w)};
}

}  // namespace

std::optional<std::variant<Command, Error>> parse_call_command(const std::string& type, const json& j, const std::optional<std::string>& ref) {
  if (type == "urgent") return std::variant<Command, Error>{Command{UrgentMsg{}}};
  if (type == "note") return parse_note(j, ref);
  if (type == "wrap_up") return parse_wrap_up(j, ref);
  return std::nullopt;
}

json call_canonical_json(const UrgentMsg&) { return {{"type", "urgent"}}; }
json call_canonical_json(const NoteMsg& m) { return {{"type", "note"}, {"text", m.text}}; }
json call_canonical_json(const WrapUpMsg& m) {
  json j{{"type", "wrap_up"}, {"outcome_confirmed", m.outcome_confirmed}, {"code", m.code}, {"note", m.note}};
  if (m.caller_role) j["caller_role"] = *m.caller_role;
  if (m.callback_promised) j["callback_promised"] = *m.callback_promised;
  return j;
}

const json& caller_roles_json() {
  static const json roles = json::array({
      {{"id", "school"}, {"label", "School"}},
      {{"id", "early_years"}, {"label", "Early years"}},
      {{"id", "health"}, {"label", "Health"}},
      {{"id", "gp"}, {"label", "GP"}},
      {{"id", "police"}, {"label", "Police"}},
      {{"id", "youth_service"}, {"label", "Youth service"}},
      {{"id", "voluntary_sector"}, {"label", "Voluntary sector"}},
      {{"id", "adult_services"}, {"label", "Adult services"}},
      {{"id", "other"}, {"label", "Other"}},
  });
  return roles;
}

std::string staff_token_of(const Message& m) {
  if (const auto* start = std::get_if<StartMsg>(&m.command)) return start->staff_token.value_or("");
  if (const auto* resume = std::get_if<ResumeMsg>(&m.command)) return resume->staff_token.value_or("");
  return {};
}

// The codes for the advice given first, then those for a call that ended early.
json wrap_up_codes_json(const Catalogue& content) {
  json out = json::array();
  for (bool needs_outcome : {true, false})
    for (const auto& [id, c] : content.wrap_up_codes)
      if (c.needs_outcome == needs_outcome)
        out.push_back({{"code", id}, {"label", c.label}, {"text", c.text}, {"needs_outcome", c.needs_outcome}, {"source", c.source},
                       {"suggested_for", c.suggested_for}});
  return out;
}

}  // namespace rc::protocol
