// See handoff_request.hpp.
#include "handoff_request.hpp"

#include <ctime>

#include "core/outcome_summary.hpp"
#include "core/utc_time.hpp"

namespace rc {

using json = nlohmann::json;

namespace {

std::optional<std::string> fact(const std::map<std::string, std::string>& facts, const std::string& key) {
  auto it = facts.find(key);
  if (it == facts.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

json optional_json(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

bool raises_alert(const Catalogue& content, const std::string& text) { return !text.empty() && !safety_alerts(content, text).empty(); }

json answers_json(const std::vector<SummaryAnswer>& answers, bool include_free_text) {
  json out = json::array();
  for (const auto& a : answers)
    if (!a.typed || include_free_text) out.push_back({{"node", a.node}, {"question", a.question}, {"answer", a.answer}});
  return out;
}

}  // namespace

std::string iso8601(Millis at) { return utc_iso8601(at); }

HandoffFacts handoff_facts(const Dialog& dialog, const Catalogue& content, const State& state, const std::string& channel,
                           const std::string& reason) {
  HandoffFacts f;
  f.dialog = dialog.id;
  f.channel = channel;
  const auto facts = facts_of(dialog, state);
  f.area = fact(facts, "area");
  f.consent = fact(facts, "consent");
  if (state.finished)
    if (const Node* n = dialog.find(state.current)) {
      f.outcome = n->outcome;
      f.outcome_title = filled_text(n->title, content);
    }
  f.urgent = raises_alert(content, reason);
  for (const auto& a : state.history) f.urgent = f.urgent || raises_alert(content, a.text);
  return f;
}

const HandoffRoute* choose_route(const HandoffConfig& config, const HandoffFacts& facts) {
  for (const auto& r : config.routes) {
    if (r.outcome && r.outcome != facts.outcome) continue;
    if (r.area && r.area != facts.area) continue;
    if (r.urgent && *r.urgent != facts.urgent) continue;
    return &r;
  }
  return nullptr;
}

std::vector<ContactView> route_contacts(const Catalogue& content, const std::vector<std::string>& ids) {
  std::vector<ContactView> out;
  for (const auto& id : ids) {
    auto it = content.contacts.find(id);
    if (it == content.contacts.end()) continue;
    ContactView v = view_of(it->second);  // withheld details come back empty
    if (v.phone.empty() && v.email.empty()) continue;
    out.push_back(std::move(v));
  }
  return out;
}

json requested_data(const Dialog& dialog, const Catalogue& content, const State& state, const HandoffFacts& facts, const std::string& reason,
                    bool include_free_text, const std::string& conversation_reference, Millis now) {
  json d{{"conversation_reference", conversation_reference},
         {"channel", facts.channel},
         {"dialog", facts.dialog},
         {"outcome", optional_json(facts.outcome)},
         {"outcome_title", optional_json(facts.outcome_title)},
         {"area", optional_json(facts.area)},
         {"consent", optional_json(facts.consent)},
         {"urgent", facts.urgent},
         {"answers", answers_json(summary_answers(dialog, state), include_free_text)}};
  if (include_free_text && !reason.empty()) d["reason"] = reason;
  if (state.finished) {
    // Without free text, the summary is made from the answers with typed words withheld.
    State shown = state;
    if (!include_free_text)
      for (auto& a : shown.history)
        if (!a.text.empty()) a.text = "(typed answer withheld)";
    Summary s = summarise(dialog, content, shown, conversation_reference, now);
    d["summary_text"] = render_summary_text(s);
  }
  return d;
}

json event_payload(const std::string& kind, const std::string& event_id, const std::string& reference, const std::string& conversation_id,
                   const std::string& route, const std::string& queue, Millis at, json data) {
  return json{{"type", "handoff." + kind}, {"event_id", event_id}, {"reference", reference}, {"conversation", conversation_id},
              {"route", route}, {"queue", queue}, {"at", iso8601(at)}, {"data", std::move(data)}};
}

json queue_item(const Dialog& dialog, const Catalogue& content, const State& state, const HandoffFacts& facts) {
  json path = json::array();
  for (const auto& a : summary_answers(dialog, state))
    path.push_back({{"question", a.question}, {"answer", a.typed ? json("(typed answer: open the conversation to read it)") : json(a.answer)}});
  // Asked before an outcome: the question they were at, as they saw it (staff cannot read node ids).
  json at_question = nullptr;
  if (const Node* n = dialog.find(state.current); n && !state.finished && !n->text.empty()) at_question = filled_text(n->text, content);
  return json{{"dialog", facts.dialog},
              {"channel", facts.channel},
              {"outcome", optional_json(facts.outcome)},
              {"outcome_title", optional_json(facts.outcome_title)},
              {"area", optional_json(facts.area)},
              {"consent", optional_json(facts.consent)},
              {"urgent", facts.urgent},
              {"at_node", state.current},
              {"at_question", std::move(at_question)},
              {"path", std::move(path)}};
}

}  // namespace rc
