// See voice_turn.hpp. Every function here is a pure function of its arguments.
#include "voice_turn.hpp"

#include "core/text_fold.hpp"

#include <array>
#include <cctype>

#include "core/redaction.hpp"
#include "core/text_match.hpp"

namespace rc::voice {
namespace {

using json = nlohmann::json;

std::string trimmed(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

json logged(const char* type, const std::string& node) { return json{{"type", type}, {"node", node}}; }

Decision make(Move move, json log, std::optional<Input> input = std::nullopt) {
  Decision d;
  d.move = move;
  d.input = std::move(input);
  d.logged = std::move(log);
  return d;
}

// A single key 1-9 as its number, else 0.
std::size_t key_number(const std::string& digits) {
  return digits.size() == 1 && digits[0] >= '1' && digits[0] <= '9' ? static_cast<std::size_t>(digits[0] - '0') : 0;
}

Decision decide_at_outcome(const Dialog& d, const Catalogue& content, const State& s, const std::string& digits, bool can_dial) {
  json log = logged("not_a_choice", s.current);
  log["digits"] = digits;
  const std::size_t k = key_number(digits);
  if (!can_dial || k == 0) return make(Move::not_a_choice, log);
  const auto view = current_view(d, content, s);
  const auto* outcome = view.empty() ? nullptr : std::get_if<OutcomeEvent>(&view.front());
  if (!outcome) return make(Move::not_a_choice, log);
  const auto dialable = dialable_contacts(*outcome);
  if (k > dialable.size()) return make(Move::not_a_choice, log);
  log["type"] = "dial";
  log["contact"] = dialable[k - 1].id;
  Decision dec = make(Move::dial, log);
  dec.dial_index = k - 1;
  return dec;
}

Decision decide_keys(const Dialog& d, const Catalogue& content, const State& s, const std::string& digits, bool can_dial) {
  const Node& n = *d.find(s.current);
  if (digits == "0") return make(Move::repeat, logged("repeat", n.id));
  if (digits == "*") {
    json log = logged("back", n.id);
    log["digits"] = digits;
    return make(Move::answer, log, BackInput{});
  }
  if (s.finished) return decide_at_outcome(d, content, s, digits, can_dial);
  const std::size_t k = key_number(digits);
  json log = logged("answer", n.id);
  log["digits"] = digits;
  if (n.kind == NodeKind::text && k == 1) {  // "nothing to add"
    log["text"] = "";
    return make(Move::answer, log, TypeInput{n.id, "", std::string()});
  }
  if (n.kind == NodeKind::question && k >= 1 && k <= n.options.size()) {
    log["option"] = n.options[k - 1].id;
    return make(Move::answer, log, ChooseInput{n.id, n.options[k - 1].id});
  }
  log["type"] = "not_a_choice";
  return make(Move::not_a_choice, log);
}

bool is_one_of(const std::string& words, std::initializer_list<const char*> phrases) {
  for (auto p : phrases)
    if (words == p) return true;
  return false;
}

// "two", "number two", "option 2" -> "2": what a caller says for a numbered choice.
std::string spoken_number(std::string words) {
  for (const char* prefix : {"number ", "option ", "press "})
    if (words.rfind(prefix, 0) == 0) words = words.substr(std::string(prefix).size());
  static const std::array<const char*, 9> names{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
  for (std::size_t i = 0; i < names.size(); ++i)
    if (words == names[i] || words == std::to_string(i + 1)) return std::to_string(i + 1);
  return {};
}

Decision decide_speech(const Dialog& d, const State& s, std::string speech) {
  const Node& n = *d.find(s.current);
  const std::string words = normalise(speech);
  const bool is_question = !s.finished && n.kind == NodeKind::question;
  // An option's own words win over the commands ("back" could one day be an answer).
  if (!(is_question && match_option(n, speech))) {
    if (is_one_of(words, {"repeat", "repeat that", "again", "say that again", "say again", "pardon", "zero"})) {
      json log = logged("repeat", n.id);
      log["via"] = "speech";
      return make(Move::repeat, log);
    }
    if (is_one_of(words, {"back", "go back", "star", "previous question"})) {
      json log = logged("back", n.id);
      log["via"] = "speech";
      return make(Move::answer, log, BackInput{});
    }
    if (is_question)
      if (std::string number = spoken_number(words); !number.empty()) speech = number;
  }
  // The engine runs the safety check and the matching on the words as heard; only the
  // redacted form is kept.
  const std::string redacted = redact(speech);
  json log = logged("answer", n.id);
  log["text"] = redacted;
  log["via"] = "speech";
  return make(Move::answer, log, TypeInput{n.id, speech, redacted});
}

// Words said at an outcome answer nothing: after any safety alert, the caller hears the
// outcome's choices, with "did not catch that" only when there was no alert.
void settle_speech_at_outcome(std::vector<Event>& events) {
  bool alerted = false;
  for (const auto& e : events) alerted = alerted || std::holds_alternative<AlertEvent>(e);
  std::vector<Event> kept;
  for (auto& e : events) {
    if (auto* error = std::get_if<ErrorEvent>(&e); error && error->code == "stale_node") {
      if (alerted) continue;
      error->code = "no_match";
    }
    kept.push_back(std::move(e));
  }
  events = std::move(kept);
}

}  // namespace

std::string opening_line(const Catalogue& content) {
  for (const auto& id : content.safety.contacts) {
    auto it = content.contacts.find(id);
    if (it == content.contacts.end() || !it->second.emergency) continue;
    const std::string phone = view_of(it->second).phone;
    if (!phone.empty()) return "If a child is in immediate danger, hang up and call " + spoken_phone(phone) + " now.";
  }
  return content.safety.alert_say.empty() ? content.safety.alert_text : content.safety.alert_say;
}

std::vector<ContactView> ending_contacts(const Catalogue& content) {
  std::vector<ContactView> out;
  for (const auto& id : content.safety.contacts) {
    auto it = content.contacts.find(id);
    if (it == content.contacts.end()) continue;
    ContactView v = view_of(it->second);
    if (!v.phone.empty() || !v.email.empty()) out.push_back(std::move(v));
  }
  return out;
}

Decision decide(const Dialog& d, const Catalogue& content, const CallState& call, const CallInput& in, bool can_dial) {
  const State& s = call.state;
  if (in.node.empty()) return make(Move::rejoin, json{{"type", "call"}});
  if (in.node != s.current || !d.find(s.current)) return make(Move::stale, logged("stale", in.node));
  const std::string digits = trimmed(in.digits);
  std::string speech = trimmed(in.speech);
  speech = std::string(utf8_prefix(speech, kMaxSpeech));  // never cut inside a character
  if (!is_utf8(speech)) speech.clear();                    // not words: heard as silence, never a failed turn
  if (digits.empty() && normalise(speech).empty())
    return make(call.no_input + 1 >= kSilencesBeforeEnding ? Move::safe_ending : Move::no_input, logged("no_input", s.current));
  if (!digits.empty()) return decide_keys(d, content, s, digits, can_dial);
  return decide_speech(d, s, speech);
}

CallTurn start_call(const Dialog& d, const Catalogue& content, Millis now, const std::string& notice) {
  Step step = advance(d, content, State{}, StartInput{}, now);
  CallTurn t;
  t.next.state = std::move(step.state);
  if (!notice.empty()) t.reply.lines.push_back(notice);
  t.reply.lines.push_back(opening_line(content));  // the first thing a caller hears
  t.reply.events = std::move(step.events);
  t.reply.ending_contacts = ending_contacts(content);
  t.logged_in = json{{"type", "start"}, {"dialog", d.id}, {"channel", "voice"}};
  return t;
}

CallTurn take_turn(const Dialog& d, const Catalogue& content, const CallState& call, const CallInput& in, bool can_dial, Millis now) {
  Decision dec = decide(d, content, call, in, can_dial);
  CallTurn t;
  t.next = call;
  t.logged_in = std::move(dec.logged);
  t.reply.ending_contacts = ending_contacts(content);
  const bool at_outcome = call.state.finished;
  switch (dec.move) {
    case Move::rejoin:
      t.reply.lines.push_back(opening_line(content));
      t.reply.events = current_view(d, content, call.state);
      break;
    case Move::stale:
      t.reply.events = current_view(d, content, call.state);
      break;
    case Move::repeat:
      t.next.no_input = 0;
      t.reply.read_help = true;
      t.reply.events = current_view(d, content, call.state);
      break;
    case Move::no_input:
      t.next.no_input = call.no_input + 1;
      t.reply.lines.push_back("Sorry, I did not hear an answer.");
      t.reply.events = current_view(d, content, call.state);
      t.reply.outcome_choices_only = at_outcome;
      break;
    case Move::safe_ending:
      t.next.no_input = call.no_input + 1;
      t.reply.lines.push_back("I have not heard an answer, so I will end this call now. Please keep these numbers.");
      t.reply.hang_up = true;
      t.ends_call = true;
      break;
    case Move::not_a_choice:
      t.next.no_input = 0;
      t.reply.lines.push_back("Sorry, that key is not one of the choices.");
      t.reply.events = current_view(d, content, call.state);
      t.reply.outcome_choices_only = at_outcome;
      break;
    case Move::dial: {
      t.next.no_input = 0;
      auto view = current_view(d, content, call.state);
      t.reply.dial = dialable_contacts(std::get<OutcomeEvent>(view.front())).at(dec.dial_index);
      t.ends_call = true;
      break;
    }
    case Move::answer: {
      Step step = advance(d, content, call.state, *dec.input, now);
      t.next.state = std::move(step.state);
      t.next.no_input = 0;
      t.reply.events = std::move(step.events);
      if (at_outcome && std::holds_alternative<TypeInput>(*dec.input)) {
        settle_speech_at_outcome(t.reply.events);
        t.reply.outcome_choices_only = true;
      }
      break;
    }
  }
  return t;
}

}  // namespace rc::voice
