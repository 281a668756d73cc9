// See conversation_replay.hpp. Replays run through `advance`, as the server ran them; no
// content catalogue is needed because contacts and alerts never move a conversation.
#include "conversation_replay.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "answer_words.hpp"
#include "engine.hpp"
#include "state_json.hpp"

namespace rc {
namespace {

// The engine input a logged client message was, or nullopt for one that is not an input.
// `ends` is set for {"type":"end"}.
std::optional<Input> input_of(const std::string& text, bool& ends) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return std::nullopt;
  const std::string type = j["type"];
  if (type == "start") return StartInput{};
  if (type == "back") return BackInput{};
  if (type == "urgent") return UrgentInput{};
  if (type == "end") {
    ends = true;
    return std::nullopt;
  }
  if (type != "answer" || !j.contains("node") || !j["node"].is_string()) return std::nullopt;
  const std::string node = j["node"];
  if (j.contains("option") && j["option"].is_string()) return ChooseInput{node, j["option"].get<std::string>()};
  if (j.contains("text") && j["text"].is_string()) {
    TypeInput typed;
    typed.node = node;
    typed.text = j["text"].get<std::string>();
    return typed;
  }
  return std::nullopt;
}

ReplayEnd end_of(const Dialog& d, const State& s) {
  ReplayEnd e{s.finished, s.current, {}};
  if (s.finished)
    if (const Node* n = d.find(s.current)) e.code = n->outcome;
  return e;
}

}  // namespace

ReplayEnd replay_messages(const Dialog& d, const std::vector<std::string>& messages) {
  static const Catalogue no_content;
  State s;
  Millis now = 0;
  for (const auto& m : messages) {
    bool ends = false;
    auto input = input_of(m, ends);
    if (ends) break;
    if (!input) continue;
    s = advance(d, no_content, std::move(s), *input, ++now).state;
  }
  return end_of(d, s);
}

std::string end_in_words(const Dialog* d, const ReplayEnd& e) {
  if (!e.finished) return e.node.empty() ? "no outcome, not started" : "no outcome, stopped at " + e.node;
  if (d && d->find(e.node)) return node_in_words(*d, e.node);
  return e.node + " (" + e.code + ")";
}

ReplayReport replay_conversations(const Dialog& candidate, const std::vector<LoggedConversation>& conversations,
                                  const std::map<std::string, Dialog>& versions, std::size_t examples_per_group) {
  ReplayReport r;
  std::map<std::pair<std::string, std::string>, ReplayGroup> groups;
  for (const auto& c : conversations) {
    auto state = state_from_json(nlohmann::json::parse(c.state, nullptr, false));
    if (!state) {
      ++r.unreadable;
      continue;
    }
    auto v = versions.find(c.dialog_version);
    const Dialog* old = v == versions.end() ? nullptr : &v->second;
    ReplayEnd was{state->finished, state->current, state->finished ? c.outcome : std::string()};
    if (old) {
      was = end_of(*old, *state);
      if (!(replay_messages(*old, c.client_messages) == was) && r.not_reproduced++ < examples_per_group)
        r.not_reproduced_examples.push_back(c.id);
    }
    const ReplayEnd now = replay_messages(candidate, c.client_messages);
    ++r.replayed;
    if (now == was) {
      ++r.same;
      continue;
    }
    ++r.different;
    ReplayGroup& g = groups[{end_in_words(old, was), end_in_words(&candidate, now)}];
    if (g.count == 0) {
      g.was = end_in_words(old, was);
      g.now = end_in_words(&candidate, now);
    }
    if (g.count++ < examples_per_group) g.examples.push_back(c.id);
  }
  for (auto& [key, g] : groups) r.groups.push_back(std::move(g));
  std::stable_sort(r.groups.begin(), r.groups.end(), [](const ReplayGroup& a, const ReplayGroup& b) { return a.count > b.count; });
  return r;
}

}  // namespace rc
