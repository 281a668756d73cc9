// TwiML (Twilio's XML; SignalWire and Telnyx speak it too): what a caller hears, rendered from
// the engine's events. Pure: no sockets or clocks. Every text is XML-escaped here, and phone
// numbers come only from the events' ContactViews, which the engine limits to checked details.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.hpp"

namespace rc::voice {

struct TwimlSettings {
  std::string language = "en-GB";
  std::string voice;  // text-to-speech voice; empty for the provider's default
  bool dial = false;  // outcomes offer to put the caller through to a checked number
};

// One reply to the provider, in the order it is heard, and how it ends.
struct VoiceReply {
  std::vector<std::string> lines;       // said first: the 999 line, "Sorry, I did not hear an answer."
  std::vector<Event> events;            // info, alert, error, prompt, outcome, as the engine gave them
  bool read_help = false;               // a repeat: the question's help text as well
  bool outcome_choices_only = false;    // asking again at an outcome: its choices, not all of it again
  std::optional<ContactView> dial;      // put the caller through to this contact, then hang up
  bool hang_up = false;                 // the safe ending: read `ending_contacts`, then hang up
  std::vector<ContactView> ending_contacts;
};

// A <Response> document. A prompt or outcome becomes a <Gather> posting to
// `action_base` + "?node=NODE"; every document ends with a Gather (and a Redirect for providers
// that post nothing on silence), a Dial or a Hangup, so a call never falls silent.
std::string render_twiml(const VoiceReply& reply, const TwimlSettings& settings, const std::string& action_base);

// Escapes & < > " ' and drops the control characters XML 1.0 cannot carry.
std::string xml_escape(std::string_view text);

// A number read slowly, digit by digit, in the groups it is printed in:
// "0113 378 6059" -> "0 1 1 3, 3 7 8, 6 0 5 9"; "999" -> "9 9 9". Empty stays empty.
std::string spoken_phone(const std::string& printed);
// "eastearlyhelp@leeds.gov.uk" -> "eastearlyhelp at leeds dot gov dot uk"
std::string spoken_email(const std::string& address);
// What a contact sounds like: name, number (said twice), email, hours, note.
std::string spoken_contact(const ContactView& contact);

// A name as said aloud: brackets become a pause ("Duty and Advice, Children's Social Work
// Service Front Door").
std::string spoken_name(const std::string& name);

// The number to <Dial> (E.164, "+441133760336"), or "" when the contact cannot be dialled: only
// a checked, full UK number. Never a short emergency number (the caller rings 999 from their
// own phone, so the emergency services get their line and location) and never an empty
// (withheld) one.
std::string dial_number(const ContactView& contact);
// The outcome's contacts that can be dialled, in the order the outcome names them.
std::vector<ContactView> dialable_contacts(const OutcomeEvent& outcome);

}  // namespace rc::voice
