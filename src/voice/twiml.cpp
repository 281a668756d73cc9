// See twiml.hpp.
#include "twiml.hpp"

#include <cctype>

#include "core/contact_check.hpp"
#include "http/form_encoding.hpp"

namespace rc::voice {
namespace {

// Builds the document line by line; one instance per reply.
class TwimlWriter {
 public:
  TwimlWriter(const TwimlSettings& settings, std::string action_base) : settings_(settings), action_base_(std::move(action_base)) {
    out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n";
  }

  void say(const std::string& text) {
    if (text.empty()) return;
    out_ += indent() + "<Say language=\"" + xml_escape(settings_.language) + "\"";
    if (!settings_.voice.empty()) out_ += " voice=\"" + xml_escape(settings_.voice) + "\"";
    out_ += ">" + xml_escape(text) + "</Say>\n";
  }
  void pause() { out_ += indent() + "<Pause length=\"1\"/>\n"; }

  // The caller may press a key or speak while the question is read (barge-in); on silence the
  // provider still posts (actionOnEmptyResult), and the Redirect after it covers providers that
  // ignore that attribute.
  void open_gather(const std::string& node) {
    out_ += indent() + "<Gather input=\"dtmf speech\" numDigits=\"1\" language=\"" + xml_escape(settings_.language) + "\" action=\"" +
            xml_escape(action_for(node)) + "\" method=\"POST\" actionOnEmptyResult=\"true\" timeout=\"8\" speechTimeout=\"auto\">\n";
    in_gather_ = true;
  }
  void close_gather(const std::string& node) {
    in_gather_ = false;
    out_ += "  </Gather>\n  <Redirect method=\"POST\">" + xml_escape(action_for(node)) + "</Redirect>\n";
    ended_ = true;
  }
  void dial(const std::string& number) {
    out_ += "  <Dial timeout=\"30\">" + xml_escape(number) + "</Dial>\n";
    ended_ = true;
  }
  void hang_up() {
    out_ += "  <Hangup/>\n";
    ended_ = true;
  }
  bool ended() const { return ended_; }
  std::string finish() { return out_ + "</Response>\n"; }

 private:
  std::string indent() const { return in_gather_ ? "    " : "  "; }
  std::string action_for(const std::string& node) const { return action_base_ + "?node=" + http::url_encode(node); }

  const TwimlSettings& settings_;
  std::string action_base_;
  std::string out_;
  bool in_gather_ = false;
  bool ended_ = false;
};

std::string sentence(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (!text.empty() && text.back() != '.' && text.back() != '?' && text.back() != '!') text += '.';
  return text;
}

const std::string& spoken(const std::string& say, const std::string& text) { return say.empty() ? text : say; }

std::string choices_for(const PromptEvent& p) {
  std::string s;
  if (p.free_text) {
    s = "Please say your answer now. If you have nothing to add, press 1.";
  } else {
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      // "If you're not sure, press 2" reads better than "For I'm not sure": the option's say.
      const OptionView& o = p.options[i];
      const std::string lead = o.say.empty() ? "For " + spoken_name(o.label) : o.say;
      s += i < 9 ? lead + ", press " + std::to_string(i + 1) + ". " : lead + ", say it. ";  // one key per answer: past nine, speech only
    }
    s += "Or say your answer.";
  }
  s += " To hear the question again, press 0.";
  if (p.can_go_back) s += " To go back, press star.";
  return s;
}

std::string outcome_choices(const OutcomeEvent& o, const TwimlSettings& settings) {
  std::string s = "To hear this again, press 0.";
  s += " To go back and change an answer, press star.";
  if (settings.dial) {
    const auto dialable = dialable_contacts(o);
    for (std::size_t i = 0; i < dialable.size() && i < 9; ++i)
      s += " To be put through to " + spoken_name(dialable[i].name) + " now, press " + std::to_string(i + 1) + ".";
  }
  return s + " Otherwise, you can hang up when you are ready.";
}

std::string list_of(const std::vector<FormView>& forms) {
  std::string s;
  for (std::size_t i = 0; i < forms.size(); ++i) s += (i == 0 ? "" : i + 1 == forms.size() ? " and " : ", ") + forms[i].name;
  return s;
}

std::string error_wording(const std::string& code) {
  if (code == "stale_node") return {};  // a repeated request: the caller just hears where they are
  if (code == "no_match") return "Sorry, I did not catch that.";
  if (code == "invalid_option") return "Sorry, that is not one of the choices.";
  if (code == "cannot_go_back") return "This is the first question, so there is nothing to go back to.";
  return "Sorry, something went wrong on our side.";
}

void render_contacts(TwimlWriter& w, const std::vector<ContactView>& contacts) {
  for (const auto& c : contacts) {
    w.pause();
    w.say(spoken_contact(c));
  }
}

void render_prompt(TwimlWriter& w, const PromptEvent& p, bool read_help) {
  w.open_gather(p.node);
  w.say(spoken(p.say, p.text));
  if (read_help) w.say(p.help);
  w.say(choices_for(p));
  w.close_gather(p.node);
}

void render_outcome(TwimlWriter& w, const OutcomeEvent& o, const VoiceReply& reply, const TwimlSettings& settings) {
  if (!reply.outcome_choices_only) {
    if (o.alert_fired) w.say(o.alert_note_say.empty() ? o.alert_note : o.alert_note_say);  // before any other step, as on the page
    w.say(spoken(o.say, o.text));
    if (!o.contacts.empty()) w.say(o.contacts.size() == 1 ? "Here is who to contact. I will read the number twice."
                                                          : "Here is who to contact. I will read each number twice.");
    render_contacts(w, o.contacts);
    if (!o.forms.empty()) {
      w.pause();
      w.say(sentence("The forms for this are: " + list_of(o.forms)));
    }
  }
  w.open_gather(o.node);
  w.say(outcome_choices(o, settings));
  w.close_gather(o.node);
}

void render_ending(TwimlWriter& w, const VoiceReply& reply) {
  render_contacts(w, reply.ending_contacts);
  w.say("Goodbye.");
  w.hang_up();
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;  // not allowed in XML 1.0
        out += ch;
    }
  }
  return out;
}

std::string spoken_phone(const std::string& printed) {
  std::string out;
  bool new_group = false;
  for (char c : printed) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (!out.empty()) out += new_group ? ", " : " ";
      out += c;
      new_group = false;
    } else if (c == ' ') {
      new_group = true;
    }
  }
  return out;
}

std::string spoken_email(const std::string& address) {
  std::string out;
  for (char c : address) {
    if (c == '@') out += " at ";
    else if (c == '.') out += " dot ";
    else if (c == '-') out += " dash ";
    else if (c == '_') out += " underscore ";
    else out += c;
  }
  return out;
}

std::string spoken_name(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '(') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += ", ";
    } else if (c == ')') {
      if (i + 1 < name.size() && name[i + 1] != ' ' && name[i + 1] != ',' && name[i + 1] != '.') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string spoken_contact(const ContactView& c) {
  std::string s = sentence(spoken_name(c.name));
  if (const std::string number = spoken_phone(c.phone); !number.empty()) s += " Phone " + number + ". Again, that is " + number + ".";
  if (!c.email.empty()) {
    const std::string said = c.email_say.empty() ? spoken_email(c.email) : c.email_say;
    s += " Email address: " + said + ". Again, that is " + said + ".";
  }
  if (!c.hours.empty()) s += " " + sentence(c.hours);
  if (!c.note.empty()) s += " " + sentence(c.note);
  return s;
}

std::string dial_number(const ContactView& contact) {
  if (contact.phone.empty() || !is_uk_phone(contact.phone)) return {};
  std::string digits;
  for (char c : contact.phone)
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  return "+44" + digits.substr(1);
}

std::vector<ContactView> dialable_contacts(const OutcomeEvent& outcome) {
  std::vector<ContactView> out;
  for (const auto& c : outcome.contacts)
    if (!dial_number(c).empty()) out.push_back(c);
  return out;
}

std::string render_twiml(const VoiceReply& reply, const TwimlSettings& settings, const std::string& action_base) {
  TwimlWriter w(settings, action_base);
  for (const auto& line : reply.lines) w.say(line);
  for (const auto& event : reply.events) {
    if (w.ended()) break;  // nothing after a Gather would ever be heard
    if (const auto* matched = std::get_if<MatchedEvent>(&event)) {
      w.say(matched->say);  // what the words were taken as, before the next question
    } else if (const auto* info = std::get_if<InfoEvent>(&event)) {
      w.say(spoken(info->say, info->text));
    } else if (const auto* alert = std::get_if<AlertEvent>(&event)) {
      w.say(spoken(alert->say, alert->text));
      render_contacts(w, alert->contacts);
    } else if (const auto* error = std::get_if<ErrorEvent>(&event)) {
      // no_match carries the safety line (999 and Duty and Advice) with its checked numbers.
      w.say(error->say.empty() ? error_wording(error->code) : error->say);
      render_contacts(w, error->contacts);
    } else if (const auto* prompt = std::get_if<PromptEvent>(&event)) {
      if (!reply.dial && !reply.hang_up) render_prompt(w, *prompt, reply.read_help);
    } else if (const auto* outcome = std::get_if<OutcomeEvent>(&event)) {
      if (!reply.dial && !reply.hang_up) render_outcome(w, *outcome, reply, settings);
    }
  }
  if (reply.dial && !w.ended()) {
    if (const std::string number = dial_number(*reply.dial); !number.empty()) {
      w.say("Putting you through to " + spoken_name(reply.dial->name) + " now.");
      w.dial(number);
      w.say("Goodbye.");
      w.hang_up();
    }
  }
  if (!w.ended()) render_ending(w, reply);  // the safe ending, or anything that left the call with nowhere to go
  return w.finish();
}

}  // namespace rc::voice
