// See state_json.hpp. Short keys: the state is written with every turn. Keys added later are
// optional on reading, so the states of older conversations still load.
#include "state_json.hpp"

namespace rc {

nlohmann::json state_to_json(const State& s) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& a : s.history) {
    nlohmann::json h{{"node", a.node}};
    if (a.at != 0) h["at"] = a.at;
    if (a.urgent) {
      h["urgent"] = true;  // a place Urgent left, not an answer
      history.push_back(std::move(h));
      continue;
    }
    if (!a.option.empty()) h["option"] = a.option;
    if (!a.text.empty() || a.option.empty()) h["text"] = a.text;
    if (a.alerted) h["alerted"] = true;
    history.push_back(std::move(h));
  }
  nlohmann::json j{{"dialog", s.dialog}, {"version", s.version}, {"current", s.current}, {"finished", s.finished},
                   {"history", std::move(history)}, {"started", s.started}, {"updated", s.updated}};
  if (!s.alerts.empty()) {
    auto& alerts = j["alerts"] = nlohmann::json::array();
    for (const auto& m : s.alerts) alerts.push_back({{"node", m.node}, {"level", m.level}, {"categories", m.categories}, {"at", m.at}});
  }
  return j;
}

Result<State> state_from_json(const nlohmann::json& j) {
  try {
    State s;
    s.dialog = j.at("dialog").get<std::string>();
    s.version = j.at("version").get<std::string>();
    s.current = j.at("current").get<std::string>();
    s.finished = j.at("finished").get<bool>();
    s.started = j.at("started").get<Millis>();
    s.updated = j.at("updated").get<Millis>();
    for (const auto& h : j.at("history")) {
      Answer a;
      a.node = h.at("node").get<std::string>();
      a.option = h.value("option", "");
      a.text = h.value("text", "");
      a.urgent = h.value("urgent", false);
      a.alerted = h.value("alerted", false);
      a.at = h.value("at", Millis{0});  // absent in states stored before answers had times
      s.history.push_back(std::move(a));
    }
    if (auto it = j.find("alerts"); it != j.end())
      for (const auto& m : *it)
        s.alerts.push_back({m.at("node").get<std::string>(), m.at("level").get<std::string>(),
                            m.at("categories").get<std::vector<std::string>>(), m.at("at").get<Millis>()});
    return s;
  } catch (const nlohmann::json::exception& e) {
    return make_error(std::string("stored conversation state is not readable: ") + e.what());
  }
}

}  // namespace rc
