// See state_json.hpp. Short keys: the state is written with every turn. Keys added later are
// optional on reading, so the states of older conversations still load.
#include "state_json.hpp"

#include "json_writer.hpp"

namespace rc {

// As state_to_json(s).dump(), written on every turn without a tree: keys in the order nlohmann
// sorts them (tests/unit/state_text_test.cpp checks it byte for byte).
std::string state_text(const State& s) {
  JsonWriter w(160 + 64 * s.history.size());  // about what it takes, so the text is allocated once
  w.begin_object();
  if (!s.alerts.empty()) {
    w.key("alerts").begin_array();
    for (const auto& m : s.alerts) {
      w.begin_object().key("at").value(std::int64_t{m.at}).key("categories").begin_array();
      for (const auto& c : m.categories) w.value(c);
      w.end_array().key("level").value(m.level).key("node").value(m.node).end_object();
    }
    w.end_array();
  }
  w.key("current").value(s.current).key("dialog").value(s.dialog).key("finished").value(s.finished).key("history").begin_array();
  for (const auto& a : s.history) {
    w.begin_object();
    if (!a.urgent && a.alerted) w.key("alerted").value(true);
    if (a.at != 0) w.key("at").value(std::int64_t{a.at});
    w.key("node").value(a.node);
    if (a.urgent) {
      w.key("urgent").value(true).end_object();  // a place Urgent left, not an answer
      continue;
    }
    if (!a.option.empty()) w.key("option").value(a.option);
    if (!a.text.empty() || a.option.empty()) w.key("text").value(a.text);
    w.end_object();
  }
  w.end_array().key("started").value(std::int64_t{s.started}).key("updated").value(std::int64_t{s.updated}).key("version").value(s.version);
  return w.end_object().take();
}

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
