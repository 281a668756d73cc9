// See call_wrap_up.hpp.
#include "call_wrap_up.hpp"

namespace rc {
namespace {
ErrorEvent refused(std::string code, std::string message) { return ErrorEvent{std::move(code), std::move(message), {}, {}}; }
}  // namespace

std::optional<ErrorEvent> check_wrap_up(const Catalogue& content, const State& state, const protocol::WrapUpMsg& w) {
  auto code = content.wrap_up_codes.find(w.code);
  if (code == content.wrap_up_codes.end())
    return refused("unknown_wrap_up_code", w.code.empty() ? "Choose a wrap-up code." : "That is not one of the wrap-up codes: choose one from the list.");
  // Most codes record the advice given, which exists only once the guidance reached an outcome.
  if (code->second.needs_outcome && !state.finished) {
    std::string early;  // the codes that fit a call that ended before an outcome
    for (const auto& [id, c] : content.wrap_up_codes)
      if (!c.needs_outcome) early += (early.empty() ? "\"" : " or \"") + c.label + "\"";
    return refused("outcome_not_reached", "The guidance has not reached an outcome yet: finish the questions" +
                                                 (early.empty() ? std::string(".") : ", or choose " + early + " if the call ended early."));
  }
  if (state.finished && !w.outcome_confirmed)
    return refused("outcome_not_confirmed", "Confirm that the outcome shown is what you told the caller.");
  if (w.note.find_first_not_of(" \t\r\n") == std::string::npos)
    return refused("note_required", "Write a wrap-up note: what was agreed, and anything the hub should know (no names).");
  return std::nullopt;
}

}  // namespace rc
