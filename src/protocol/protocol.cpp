// See protocol.hpp.
#include "protocol.hpp"

#include <iterator>

#include "core/json_writer.hpp"
#include "flat_object.hpp"

#include "core/json_text.hpp"

namespace rc::protocol {
namespace {

using json = nlohmann::json;

std::optional<std::string> text_field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Error missing(const char* type, const char* what, const std::optional<std::string>& ref) {
  return {"bad_message", std::string("\"") + type + "\" needs " + what + ".", ref};
}

struct Render {
  bool with_say;
  void say(json& j, const std::string& s) const {
    if (with_say && !s.empty()) j["say"] = s;
  }
  json operator()(const PromptEvent& p) const {
    json options = json::array();
    for (const auto& o : p.options) {
      json option{{"id", o.id}, {"label", o.label}};
      if (with_say && !o.say.empty()) option["say"] = o.say;
      options.push_back(std::move(option));
    }
    json j{{"type", "prompt"}, {"node", p.node}, {"text", p.text}, {"input", p.free_text ? "text" : "choice"},
           {"options", std::move(options)}, {"can_go_back", p.can_go_back}, {"source", p.source}};
    if (!p.help.empty()) j["help"] = p.help;
    say(j, p.say);
    return j;
  }
  json operator()(const InfoEvent& i) const {
    json j{{"type", "info"}, {"node", i.node}, {"text", i.text}, {"source", i.source}};
    say(j, i.say);
    return j;
  }
  json operator()(const OutcomeEvent& o) const {
    json forms = json::array(), guidance = json::array();
    for (const auto& f : o.forms) {
      forms.push_back({{"id", f.id}, {"name", f.name}, {"text", f.text}, {"source", f.source}});
      if (!f.url.empty()) forms.back()["url"] = f.url;
    }
    for (const auto& g : o.guidance) {
      guidance.push_back({{"id", g.id}, {"title", g.title}, {"text", g.text}, {"source", g.source}});
      if (!g.url.empty()) guidance.back()["url"] = g.url;
    }
    json j{{"type", "outcome"}, {"node", o.node}, {"outcome", o.code}, {"title", o.title}, {"text", o.text},
           {"contacts", contacts_json(o.contacts)}, {"forms", std::move(forms)}, {"guidance", std::move(guidance)},
           {"points", o.points}, {"handoff_available", o.handoff_available}, {"can_go_back", true}, {"source", o.source}};
    if (o.come_back) j["come_back"] = true;
    if (o.alert_fired) {
      j["alert_fired"] = true;
      j["alert_note"] = o.alert_note;
    }
    say(j, o.say);
    return j;
  }
  json operator()(const AlertEvent& a) const {
    json j{{"type", "alert"}, {"level", a.level}, {"category", a.category}, {"text", a.text},
           {"contacts", contacts_json(a.contacts)}, {"source", a.source}};
    for (const auto& e : a.earlier_answers) j["earlier_answers"].push_back({{"node", e.node}, {"question", e.question}, {"answer", e.answer}});
    say(j, a.say);
    return j;
  }
  json operator()(const MatchedEvent& m) const {
    json j{{"type", "matched"}, {"node", m.node}, {"option", m.option}, {"label", m.label}};
    say(j, m.say);
    return j;
  }
  // The words that raised an alert (AlertEvent::detections) stay out: they are for the hub
  // reviewer, from the log, never for the practitioner.
  json operator()(const ErrorEvent& e) const {
    json j = error_json(e.code, e.message);
    if (!e.reason.empty()) j["reason"] = e.reason;
    if (!e.help.empty()) j["help"] = e.help;
    if (e.handoff_available) j["handoff_available"] = true;
    if (!e.contacts.empty()) j["contacts"] = contacts_json(e.contacts);
    say(j, e.say);
    return j;
  }
};

}  // namespace

bool is_known_channel(const std::string& channel) { return channel == "web" || channel == "phone" || channel == "voice"; }

namespace {

// A parsed tree's members as parse_fields reads them (a FlatObject reads the same way).
struct TreeFields {
  const json& j;
  bool contains(const char* key) const { return j.contains(key); }
  std::optional<std::string> text(const char* key) const { return text_field(j, key); }
  std::optional<bool> boolean(const char* key) const {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() ? std::optional<bool>(it->get<bool>()) : std::nullopt;
  }
};
struct FlatFields {
  const FlatObject& o;
  bool contains(const char* key) const { return o.contains(key); }
  std::optional<std::string> text(const char* key) const { return o.text(key); }
  std::optional<bool> boolean(const char* key) const {
    const auto* m = o.find(key);
    return m && m->kind == FlatObject::Kind::boolean ? std::optional<bool>(m->flag) : std::nullopt;
  }
};

// The message in `f`. `tree` is null when `f` is flat: a type whose fields need the tree (a
// phone call's, about) or an unknown one then gives nothing, and the caller parses the tree.
template <class Fields>
std::optional<std::variant<Message, Error>> parse_fields(const Fields& f, std::string_view text, const json* tree) {
  std::optional<std::string> ref;
  if (f.contains("ref")) {
    ref = f.text("ref");
    if (!ref || ref->size() > 128) return Error{"bad_message", "\"ref\" must be text of at most 128 characters.", std::nullopt};
  }
  if (has_nul_escape(text)) return Error{"bad_message", "Text may not contain the NUL character (\\u0000).", ref};
  const auto type = f.text("type");
  if (!type) return Error{"bad_message", "Every message needs a \"type\" (text).", ref};

  Message m{{}, ref, {}};
  if (*type == "start") {
    auto dialog = f.text("dialog");
    auto channel = f.contains("channel") ? f.text("channel") : std::optional<std::string>("web");
    if (!dialog || dialog->empty()) return missing("start", "a \"dialog\" id", ref);
    if (!channel || !is_known_channel(*channel)) return Error{"bad_message", "\"channel\" must be web, phone or voice.", ref};
    // A phone call is taken by a member of staff, who signs it with their staff token.
    auto staff_token = f.contains("staff_token") ? f.text("staff_token") : std::nullopt;
    if (f.contains("staff_token") && !staff_token) return Error{"bad_message", "\"staff_token\" must be text.", ref};
    if (*channel == "phone" && (!staff_token || staff_token->empty()))
      return Error{"staff_token_required", "A phone call is started by a member of staff: send \"staff_token\".", ref};
    m.command = StartMsg{*dialog, *channel, *channel == "phone" ? staff_token : std::nullopt};
  } else if (*type == "answer") {
    auto node = f.text("node");
    auto option = f.text("option");
    auto typed = f.text("text");
    if (!node) return missing("answer", "the \"node\" it answers", ref);
    if (option.has_value() == typed.has_value()) return missing("answer", "either an \"option\" id or \"text\"", ref);
    // Typed answers are short by nature, and redaction's regexes cost more with every character.
    if (typed && typed->size() > kMaxTypedText)
      return Error{"bad_message", "A typed answer is at most " + std::to_string(kMaxTypedText) + " characters.", ref};
    m.command = AnswerMsg{*node, option, typed};
  } else if (*type == "back") {
    m.command = BackMsg{};
  } else if (*type == "end") {
    m.command = EndMsg{};
  } else if (*type == "resume") {
    auto conversation = f.text("conversation");
    auto token = f.text("token");
    auto staff_token = f.text("staff_token");
    if (!conversation || token.has_value() == staff_token.has_value() || (staff_token && staff_token->empty()))
      return missing("resume", "\"conversation\" and either \"token\" or (a phone call) \"staff_token\"", ref);
    m.command = ResumeMsg{*conversation, token, staff_token};
  } else if (*type == "handoff") {
    auto reason = f.contains("reason") ? f.text("reason") : std::optional<std::string>("");
    if (!reason) return Error{"bad_message", "\"reason\" must be text.", ref};
    if (reason->size() > kMaxTypedText) return Error{"bad_message", "A reason is at most " + std::to_string(kMaxTypedText) + " characters.", ref};
    bool cancel = false;
    if (f.contains("cancel")) {
      const auto given = f.boolean("cancel");
      if (!given) return Error{"bad_message", "\"cancel\" must be true or false.", ref};
      cancel = *given;
    }
    m.command = HandoffMsg{*reason, cancel};
  } else if (*type == "message") {
    auto typed = f.text("text");
    if (!typed || typed->find_first_not_of(" \t\r\n") == std::string::npos) return missing("message", "some \"text\"", ref);
    if (typed->size() > kMaxTypedText) return Error{"bad_message", "A message is at most " + std::to_string(kMaxTypedText) + " characters.", ref};
    m.command = ChatMsg{*typed};
  } else if (*type == "typing") {
    m.command = TypingMsg{};
  } else if (!tree) {
    return std::nullopt;
  } else if (auto call = parse_call_command(*type, *tree, ref)) {
    if (auto* e = std::get_if<Error>(&*call)) return *e;
    m.command = std::get<Command>(std::move(*call));
  } else if (auto about = parse_about_command(*type, *tree, ref)) {
    if (auto* e = std::get_if<Error>(&*about)) return *e;
    m.command = std::get<Command>(std::move(*about));
  } else {
    return Error{"unknown_type", "Unknown message type \"" + type->substr(0, 40) + "\".", ref};
  }
  m.text = canonical_text(m);
  return m;
}

}  // namespace

std::variant<Message, Error> parse_client_message(std::string_view text) {
  // Nearly every message is a small flat object of a common type: read it without a tree.
  if (auto flat = FlatObject::read(text))
    if (auto parsed = parse_fields(FlatFields{*flat}, text, nullptr)) return std::move(*parsed);
  return parse_client_message_tree(text);
}

std::variant<Message, Error> parse_client_message_tree(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"bad_json", "That message was not valid JSON.", std::nullopt};
  if (!j.is_object()) return Error{"bad_json", "A message must be a JSON object with a \"type\".", std::nullopt};
  return *parse_fields(TreeFields{j}, text, &j);
}

namespace {

// One member of an object written as text; keys are ours (plain ASCII), values escaped.
void append_member(std::string& out, std::string_view key, std::string_view value) {
  out += out.size() == 1 ? "\"" : ",\"";
  out += key;
  out += "\":";
  append_json_string(out, value);
}

// The messages of nearly every turn (answer, back, end, start) written straight as text, as the
// tree would write them (its keys sorted): a tree per message was most of a turn's allocations
// (issue 18; tests/unit/canonical_text_test.cpp holds the two forms equal).
std::optional<std::string> canonical_text_direct(const Message& m) {
  const std::string* ref = m.ref ? &*m.ref : nullptr;
  std::string out = "{";
  if (const auto* a = std::get_if<AnswerMsg>(&m.command)) {
    append_member(out, "node", a->node);
    if (a->option) append_member(out, "option", *a->option);
    if (ref) append_member(out, "ref", *ref);
    if (a->text) append_member(out, "text", *a->text);
    append_member(out, "type", "answer");
  } else if (const auto* st = std::get_if<StartMsg>(&m.command)) {
    append_member(out, "channel", st->channel);
    append_member(out, "dialog", st->dialog);
    if (ref) append_member(out, "ref", *ref);
    append_member(out, "type", "start");
  } else if (std::holds_alternative<BackMsg>(m.command) || std::holds_alternative<EndMsg>(m.command)) {
    if (ref) append_member(out, "ref", *ref);
    append_member(out, "type", std::holds_alternative<BackMsg>(m.command) ? "back" : "end");
  } else {
    return std::nullopt;
  }
  return out + "}";
}

}  // namespace

std::string canonical_text(const Message& m) {
  if (auto direct = canonical_text_direct(m)) return std::move(*direct);
  return canonical_tree_text(m);
}

std::string canonical_tree_text(const Message& m) {
  json j = std::visit(
      [](const auto& c) -> json {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, StartMsg>) return {{"type", "start"}, {"dialog", c.dialog}, {"channel", c.channel}};
        else if constexpr (std::is_same_v<T, AnswerMsg>) {
          json a{{"type", "answer"}, {"node", c.node}};
          if (c.option) a["option"] = *c.option;
          if (c.text) a["text"] = *c.text;
          return a;
        } else if constexpr (std::is_same_v<T, BackMsg>) return {{"type", "back"}};
        else if constexpr (std::is_same_v<T, EndMsg>) return {{"type", "end"}};
        else if constexpr (std::is_same_v<T, HandoffMsg>) {
          json h{{"type", "handoff"}};
          if (!c.reason.empty()) h["reason"] = c.reason;
          if (c.cancel) h["cancel"] = true;
          return h;
        } else if constexpr (std::is_same_v<T, ChatMsg>) return {{"type", "message"}, {"text", c.text}};
        else if constexpr (std::is_same_v<T, TypingMsg>) return {{"type", "typing"}};
        else if constexpr (std::is_same_v<T, UrgentMsg> || std::is_same_v<T, NoteMsg> || std::is_same_v<T, WrapUpMsg>) return call_canonical_json(c);
        else if constexpr (std::is_same_v<T, AboutMsg>) return about_json(c);
        else return {{"type", "resume"}, {"conversation", c.conversation}};  // never the token
      },
      m.command);
  if (m.ref) j["ref"] = *m.ref;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json to_json(const Event& event, bool with_say) { return std::visit(Render{with_say}, event); }

json error_json(const std::string& code, const std::string& message) { return {{"type", "error"}, {"code", code}, {"message", message}}; }

namespace {

// One answer as the summary's fields show it.
json answer_json(const SummaryAnswer& a) {
  json j{{"node", a.node}, {"question", a.question}, {"answer", a.answer}, {"typed", a.typed}};
  if (a.withheld) j["withheld"] = true;
  return j;
}

}  // namespace

json history_json(const std::vector<SummaryAnswer>& answers) {
  json out = json::array();
  for (const auto& a : answers) {
    json j = answer_json(a);
    if (a.at != 0) j["at"] = utc_iso(a.at);
    if (!a.typed_text.empty()) j["typed_text"] = a.typed_text;
    if (a.alert) {
      j["alert"] = true;
      if (a.matched) j["withheld"] = true;  // the words that raised it, not the option they were taken as
    }
    out.push_back(std::move(j));
  }
  return out;
}

json summary_fields_json(const Summary& s) {
  json answers = json::array(), sections = json::array(), forms = json::array(), guidance = json::array(), sources = json::array();
  for (const auto& a : s.answers) answers.push_back(answer_json(a));
  for (const auto& sec : s.sections) {
    json items = json::array();
    for (const auto& i : sec.items) items.push_back({{"label", i.label}, {"text", i.text}});
    sections.push_back({{"heading", sec.heading}, {"intro", sec.intro}, {"items", std::move(items)}, {"source", sec.source}});
  }
  for (const auto& f : s.forms) forms.push_back({{"id", f.id}, {"name", f.name}, {"source", f.source}});
  for (const auto& g : s.guidance) guidance.push_back({{"id", g.id}, {"title", g.title}, {"source", g.source}});
  for (const auto& src : s.sources) sources.push_back({{"id", src.id}, {"title", src.title}});
  return {{"heading", s.heading}, {"layout", s.layout}, {"date", s.date}, {"time_utc", s.time_utc}, {"reference", s.reference},
          {"outcome", s.outcome}, {"node", s.node}, {"title", s.title}, {"advice", s.advice}, {"points", s.points}, {"answers", std::move(answers)},
          {"sections", std::move(sections)}, {"contacts", contacts_json(s.contacts)}, {"forms", std::move(forms)},
          {"guidance", std::move(guidance)}, {"sources", std::move(sources)}, {"safety_alert", s.safety_alert}};
}

namespace {

void write_contacts(JsonWriter& w, const std::vector<ContactView>& contacts) {  // as contacts_json, keys in order
  w.begin_array();
  for (const auto& c : contacts)
    w.begin_object().member_if("email", c.email).member_if("hours", c.hours).key("id").value(c.id).key("name").value(c.name)
        .member_if("note", c.note).member_if("phone", c.phone).key("source").value(c.source).end_object();
  w.end_array();
}

}  // namespace

namespace {

void write_answers(JsonWriter& w, const Summary& s) {
  w.begin_array();
  for (const auto& a : s.answers) {
    w.begin_object().key("answer").value(a.answer).key("node").value(a.node).key("question").value(a.question).key("typed").value(a.typed);
    if (a.withheld) w.key("withheld").value(true);
    w.end_object();
  }
  w.end_array();
}

void write_sections(JsonWriter& w, const Summary& s) {
  w.begin_array();
  for (const auto& sec : s.sections) {
    w.begin_object().key("heading").value(sec.heading).key("intro").value(sec.intro).key("items").begin_array();
    for (const auto& i : sec.items) w.begin_object().key("label").value(i.label).key("text").value(i.text).end_object();
    w.end_array().key("source").value(sec.source).end_object();
  }
  w.end_array();
}

void write_forms(JsonWriter& w, const Summary& s) {
  w.begin_array();
  for (const auto& f : s.forms) w.begin_object().key("id").value(f.id).key("name").value(f.name).key("source").value(f.source).end_object();
  w.end_array();
}

void write_guidance(JsonWriter& w, const Summary& s) {
  w.begin_array();
  for (const auto& g : s.guidance) w.begin_object().key("id").value(g.id).key("source").value(g.source).key("title").value(g.title).end_object();
  w.end_array();
}

void write_points(JsonWriter& w, const Summary& s) {
  w.begin_array();
  for (const auto& p : s.points) w.value(p);
  w.end_array();
}

void write_sources(JsonWriter& w, const Summary& s) {
  w.begin_array();
  for (const auto& src : s.sources) w.begin_object().key("id").value(src.id).key("title").value(src.title).end_object();
  w.end_array();
}

struct SummaryMember {
  std::string_view name;
  bool shared;  // the same for every conversation reaching the outcome
  void (*write)(JsonWriter&, const Summary&);
};

// summary_fields_json's members, in the order nlohmann sorts its keys.
constexpr SummaryMember kSummaryMembers[] = {
    {"advice", true, [](JsonWriter& w, const Summary& s) { w.value(s.advice); }},
    {"answers", false, write_answers},
    {"contacts", true, [](JsonWriter& w, const Summary& s) { write_contacts(w, s.contacts); }},
    {"date", false, [](JsonWriter& w, const Summary& s) { w.value(s.date); }},
    {"forms", true, write_forms},
    {"guidance", true, write_guidance},
    {"heading", true, [](JsonWriter& w, const Summary& s) { w.value(s.heading); }},
    {"layout", true, [](JsonWriter& w, const Summary& s) { w.value(s.layout); }},
    {"node", true, [](JsonWriter& w, const Summary& s) { w.value(s.node); }},
    {"outcome", true, [](JsonWriter& w, const Summary& s) { w.value(s.outcome); }},
    {"points", true, write_points},
    {"reference", false, [](JsonWriter& w, const Summary& s) { w.value(s.reference); }},
    {"safety_alert", false, [](JsonWriter& w, const Summary& s) { w.value(s.safety_alert); }},
    {"sections", false, write_sections},
    {"sources", true, write_sources},
    {"time_utc", false, [](JsonWriter& w, const Summary& s) { w.value(s.time_utc); }},
    {"title", true, [](JsonWriter& w, const Summary& s) { w.value(s.title); }},
};

}  // namespace

void write_summary_members(JsonWriter& w, const Summary& s, SummaryPart part) {
  for (const auto& m : kSummaryMembers)
    if (part == SummaryPart::all || m.shared == (part == SummaryPart::shared)) m.write(w.key(m.name), s);
}

std::vector<SummaryMemberText> summary_member_values(const Summary& s) {
  std::vector<SummaryMemberText> out;
  out.reserve(std::size(kSummaryMembers));
  for (const auto& m : kSummaryMembers) {
    JsonWriter w(m.shared ? 64 : 1024);
    m.write(w, s);
    out.push_back({m.name, m.shared, w.take()});
  }
  return out;
}

// As summary_fields_json(s).dump(), written directly.
std::string summary_fields_text(const Summary& s) {
  JsonWriter w(8192);  // the early-help outcomes' fields take 4-6 KB: allocated once
  w.begin_object();
  write_summary_members(w, s, SummaryPart::all);
  return w.end_object().take();
}

std::vector<std::pair<std::string, std::string>> summary_member_texts(const Summary& summary) {
  if (summary.outcome.empty()) return {};
  return {{"summary", json_string(render_summary_text(summary))}, {"summary_fields", summary_fields_text(summary)}};
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

std::vector<std::pair<std::string, json>> summary_members(const Summary& summary) {
  if (summary.outcome.empty()) return {};
  return {{"summary", render_summary_text(summary)}, {"summary_fields", summary_fields_json(summary)}};
}

void add_summary(json& outcome_message, const Summary& summary) {
  for (auto& [name, value] : summary_members(summary)) outcome_message[name] = std::move(value);
}

json started_json(const StartedFields& f) {
  return json{{"type", "started"}, {"conversation", f.conversation}, {"reference", f.reference}, {"token", f.token},
              {"dialog", f.dialog}, {"version", f.version}};
}

std::string started_text(const StartedFields& f, const std::optional<std::string>& ref) {
  JsonWriter w(160);
  w.begin_object().key("conversation").value(f.conversation).key("dialog").value(f.dialog);  // keys in nlohmann's order
  if (ref) w.key("ref").value(*ref);
  w.key("reference").value(f.reference).key("token").value(f.token).key("type").value("started").key("version").value(f.version);
  return w.end_object().take();
}

std::string serialise(json&& message, const std::optional<std::string>& ref) {
  if (ref) message["ref"] = *ref;
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

json contacts_json(const std::vector<ContactView>& contacts) {
  json out = json::array();
  for (const auto& c : contacts) {
    json j{{"id", c.id}, {"name", c.name}, {"source", c.source}};
    if (!c.phone.empty()) j["phone"] = c.phone;
    if (!c.email.empty()) j["email"] = c.email;
    if (!c.hours.empty()) j["hours"] = c.hours;
    if (!c.note.empty()) j["note"] = c.note;
    out.push_back(std::move(j));
  }
  return out;
}

json handoff_json(const std::string& status, const std::string& reference, Millis at) {
  return json{{"type", "handoff"}, {"status", status}, {"reference", reference}, {"at", utc_iso(at)}};
}

json handoff_unavailable_json(const std::string& reference, const std::vector<ContactView>& contacts, bool urgent, Millis at) {
  json j = handoff_json("unavailable", reference, at);
  j["contacts"] = contacts_json(contacts);
  j["urgent"] = urgent;
  j["message"] = urgent ? "This needs a call now rather than a wait: please use these contacts."
                        : "No one is free to take this just now. Your request stays with the team (reference " + reference +
                              "), and you can use these contacts now.";
  return j;
}

json staff_message_json(const std::string& name, const std::string& text, Millis at) {
  return json{{"type", "message"}, {"from", "staff"}, {"name", name}, {"text", text}, {"at", utc_iso(at)}};
}

json practitioner_message_json(const std::string& text, Millis at) {
  return json{{"type", "message"}, {"from", "practitioner"}, {"text", text}, {"at", utc_iso(at)}};
}

}  // namespace rc::protocol
