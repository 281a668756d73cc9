// The shipped dialogs and content, loaded once for the unit tests, plus small helpers
// to drive the engine by answers.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/engine.hpp"
#include "core/guidance_source.hpp"
#include "guidance/guidance_loader.hpp"

namespace rc::test {

inline std::string source_path(const std::string& rel) { return std::string(RC_SOURCE_DIR) + "/" + rel; }

inline const GuidanceSet& shipped() {
  static const GuidanceSet g = load_guidance({source_path("dialogs")}, source_path("content"));
  return g;
}

// The same set as a server's guidance source (never reloaded here; it does not own the set).
inline const GuidanceSource& shipped_source() {
  static const GuidanceSource source(std::shared_ptr<const GuidanceSet>(&shipped(), [](const GuidanceSet*) {}));
  return source;
}

inline const Dialog& early_help() {
  const Dialog* d = shipped().find("early-help");
  REQUIRE(d != nullptr);
  return *d;
}

template <class T>
const T* last_of(const std::vector<Event>& events) {
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (auto* e = std::get_if<T>(&*it)) return e;
  return nullptr;
}

// Starts the dialog and answers each step: an option id, or "text:..." for typed text.
inline Step walk(const Dialog& d, const Catalogue& c, const std::vector<std::string>& answers, Millis now = 1000) {
  Step step = advance(d, c, State{}, StartInput{}, now);
  for (const auto& a : answers) {
    Input in = a.rfind("text:", 0) == 0 ? Input{TypeInput{step.state.current, a.substr(5)}} : Input{ChooseInput{step.state.current, a}};
    step = advance(d, c, std::move(step.state), in, ++now);
  }
  return step;
}

}  // namespace rc::test
