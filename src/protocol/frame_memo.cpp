// See frame_memo.hpp.
#include "frame_memo.hpp"

#include <algorithm>
#include <mutex>

#include "core/sha256.hpp"
#include "protocol.hpp"

namespace rc::protocol {
namespace {

// Distinct shared parts are a few per outcome (with and without an alert, the sources a path
// cites): this bounds their memory (about 5 KB each, kept once) whatever happens to the guidance.
constexpr std::size_t kSummariesHeld = 512;

using json = nlohmann::json;

std::string dumped(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Stands in for field i while the template is written. An event whose own text holds the same
// characters would write them the same way, so each mark must occur exactly once or the event
// is not memoised (rendered each time instead).
std::string mark(std::size_t i) { return dumped(json("\x01rc-field-" + std::to_string(i) + "\x01")); }

bool same_owner(const std::weak_ptr<const GuidanceSet>& a, const std::shared_ptr<const GuidanceSet>& b) {
  return !a.owner_before(b) && !b.owner_before(a);
}

// What the text depends on besides the set: the node, and for a prompt whether it can go back
// (that depends on the path), for an outcome whether a safety alert fired (its contacts then
// lead with the safety ones). The field names are part of it: a frame without a ref differs.
std::optional<std::string> key_of(const std::string& dialog_id, const Event& event, bool with_say, const FrameMemo::Fields& fields) {
  std::string key = dialog_id + '\n';
  if (const auto* p = std::get_if<PromptEvent>(&event)) key += "prompt\n" + p->node + (p->can_go_back ? "\nback" : "\nfirst");
  else if (const auto* i = std::get_if<InfoEvent>(&event)) key += "info\n" + i->node;
  else if (const auto* o = std::get_if<OutcomeEvent>(&event)) key += "outcome\n" + o->node + (o->alert_fired ? "\nalert" : "\nquiet");
  else return std::nullopt;
  key += with_say ? "\nsay" : "\nquiet";
  for (const auto& [name, value] : fields) key += '\n' + name;
  return key;
}

}  // namespace

std::optional<FrameMemo::Template> FrameMemo::template_of(const Event& event, bool with_say, const Fields& fields) {
  json j = to_json(event, with_say);
  std::string body = dumped(j);
  const std::string type = j.value("type", "");
  for (std::size_t i = 0; i < fields.size(); ++i) j[fields[i].first] = "\x01rc-field-" + std::to_string(i) + "\x01";
  const std::string text = dumped(j);
  std::vector<std::pair<std::size_t, std::size_t>> at;  // (position, field)
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string m = mark(i);
    const auto pos = text.find(m);
    if (pos == std::string::npos || text.find(m, pos + 1) != std::string::npos) return std::nullopt;
    at.emplace_back(pos, i);
  }
  std::sort(at.begin(), at.end());
  Template t;
  std::size_t from = 0;
  for (const auto& [pos, field] : at) {
    t.pieces.push_back(text.substr(from, pos - from));
    t.holes.push_back(field);
    from = pos + mark(field).size();
  }
  t.pieces.push_back(text.substr(from));
  auto logged = std::make_shared<FrameTemplate>();
  logged->id = sha256_hex(body).substr(0, 32);
  logged->body = std::move(body);
  t.logged_head = "{\"$template\":" + json_string(logged->id) + ",\"type\":" + json_string(type);
  t.logged = std::move(logged);
  return t;
}

FrameMemo::Filled FrameMemo::filled(const Template& t, const Fields& fields, const Fields& logged_fields) {
  std::size_t size = 0, fields_size = 0, logged_size = 0;
  for (const auto& p : t.pieces) size += p.size();
  for (const auto& [name, value] : fields) fields_size += value.size();
  for (const auto& [name, value] : logged_fields) logged_size += name.size() + value.size() + 4;
  Filled f;
  f.frame.reserve(size + fields_size);
  f.frame += t.pieces.front();
  for (std::size_t h = 0; h < t.holes.size(); ++h) {
    f.frame += fields[t.holes[h]].second;
    f.frame += t.pieces[h + 1];
  }
  // The type stays readable in the log (the review's statistics look for outcomes by it).
  f.logged.reserve(t.logged_head.size() + logged_size + 1);
  f.logged += t.logged_head;
  for (const auto& [name, value] : logged_fields) {
    f.logged += ',';
    append_json_string(f.logged, name);  // no string of its own: this runs for every frame
    f.logged += ':';
    f.logged += value;
  }
  f.logged += '}';
  f.logged_template = t.logged;
  return f;
}

FrameMemo::PerSet* FrameMemo::per_set_locked(const std::shared_ptr<const GuidanceSet>& set) {
  for (auto& s : sets_)
    if (same_owner(s.set, set)) return &s;
  return nullptr;
}

std::optional<FrameMemo::Filled> FrameMemo::frame(const std::shared_ptr<const GuidanceSet>& set, const std::string& dialog_id, const Event& event,
                                                  bool with_say, const Fields& fields, const Fields* logged_fields) {
  const Fields& logged = logged_fields ? *logged_fields : fields;
  const auto key = key_of(dialog_id, event, with_say, fields);
  if (!key || !set) return std::nullopt;
  {
    std::shared_lock lock(mutex_);
    if (const PerSet* s = per_set_locked(set))
      if (auto it = s->frames.find(*key); it != s->frames.end()) return filled(it->second, fields, logged);
  }
  auto made = template_of(event, with_say, fields);
  if (!made) return std::nullopt;  // rendered each time instead
  Filled out = filled(*made, fields, logged);
  std::unique_lock lock(mutex_);
  std::erase_if(sets_, [](const PerSet& s) { return s.set.expired(); });  // a retired set no conversation holds
  PerSet* s = per_set_locked(set);
  if (!s) s = &sets_.emplace_back(PerSet{set, {}});
  s->frames.try_emplace(*key, std::move(*made));
  return out;
}

std::shared_ptr<const FrameTemplate> FrameMemo::summary_template(std::string body) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = summaries_.find(body); it != summaries_.end()) return it->second;
  }
  auto made = std::make_shared<FrameTemplate>();
  made->id = sha256_hex(body).substr(0, 32);
  made->body = std::move(body);
  std::unique_lock lock(mutex_);
  if (summaries_.size() >= kSummariesHeld) summaries_.clear();  // start again: the same text gets the same id, so nothing is logged twice
  const std::string_view key = made->body;  // lives as long as the entry holds `made`
  return summaries_.try_emplace(key, std::move(made)).first->second;
}

// Each value and piece of text is written once, then put together three ways: the fields as
// sent, the shared template, the conversation's own (an outcome's summary, about 10 KB, is the
// largest thing a turn writes). A JSON string's escapes are per character, so pieces escaped
// apart and joined are the whole text escaped (they are cut between lines, never inside a
// character).
FrameMemo::SummaryFields FrameMemo::summary_fields(const Summary& summary) {
  SummaryFields out;
  if (summary.outcome.empty()) return out;
  const SummaryText text = summary_text_parts(summary);
  std::vector<std::string> shared_text, own_text;  // each a JSON string, quotes included
  std::size_t text_size = 2;
  for (const auto& p : text.shared) text_size += (shared_text.emplace_back(json_string(p))).size() - 2;
  for (const auto& p : text.own) text_size += (own_text.emplace_back(json_string(p))).size() - 2;
  std::string sent_text;
  sent_text.reserve(text_size);
  sent_text += '"';
  for (std::size_t i = 0; i < shared_text.size(); ++i) {
    sent_text.append(shared_text[i], 1, shared_text[i].size() - 2);
    if (i < own_text.size()) sent_text.append(own_text[i], 1, own_text[i].size() - 2);
  }
  sent_text += '"';

  const auto members = summary_member_values(summary);
  std::size_t fields_size = 2;
  for (const auto& m : members) fields_size += m.name.size() + m.value.size() + 4;
  std::string sent_fields, shared, own;
  sent_fields.reserve(fields_size);
  shared.reserve(fields_size + text_size);
  own.reserve(fields_size + text_size);
  sent_fields += '{';
  shared += "{\"fields\":{";
  own += "{\"$template\":\"";
  const std::size_t own_id_at = own.size();
  own += std::string(32, '0');  // the id, once known
  own += '"';
  for (const auto& m : members) {
    for (std::string* to : {&sent_fields, m.shared ? &shared : &own}) {
      if (to->back() != '{') *to += ',';
      *to += '"';
      *to += m.name;  // our own names: nothing to escape
      *to += "\":";
      *to += m.value;
    }
  }
  sent_fields += '}';
  auto add_texts = [](std::string& to, const std::vector<std::string>& texts) {
    to += "\"text\":[";
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if (i) to += ',';
      to += texts[i];
    }
    to += "]}";
  };
  shared += "},";
  add_texts(shared, shared_text);
  own += ',';
  add_texts(own, own_text);

  out.shared = summary_template(std::move(shared));
  own.replace(own_id_at, 32, out.shared->id);
  out.sent = {{"summary", std::move(sent_text)}, {"summary_fields", std::move(sent_fields)}};
  out.logged = {{"$summary", std::move(own)}};
  return out;
}

std::size_t FrameMemo::sets_held() const {
  std::shared_lock lock(mutex_);
  return static_cast<std::size_t>(std::count_if(sets_.begin(), sets_.end(), [](const PerSet& s) { return !s.set.expired(); }));
}

}  // namespace rc::protocol
