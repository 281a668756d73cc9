// The dialog engine: pure. A state and an input give the next state and the events to show.
// No sockets, files or clocks: the caller passes the time in and stores/sends what comes back.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "content_catalogue.hpp"
#include "dialog.hpp"
#include "safety_detector.hpp"

namespace rc {

using Millis = std::int64_t;  // milliseconds since the Unix epoch, supplied by the caller

// One answered step: the node and either the chosen option or the typed text.
struct Answer {
  std::string node;
  std::string option;  // set for questions
  // Set for free-text nodes; at a question, the typed words (as kept: redacted) that were taken
  // as `option`, empty when it was chosen by its id.
  std::string text;
  // Not an answer: the place Urgent jumped from, kept so "back" returns there. Facts and
  // summaries skip it.
  bool urgent = false;
  // Typed text that raised a safety alert: never recorded as a fact nor put in a summary.
  bool alerted = false;
  Millis at = 0;  // when it was answered; 0 in states stored before answers had times
};

// A safety alert that fired in a conversation. Kept for good: going back does not undo it.
struct AlertMark {
  std::string node;   // where the text was typed
  std::string level;  // immediate_danger | significant_harm
  std::vector<std::string> categories;  // physical_abuse, neglect...
  Millis at = 0;
};

struct State {
  std::string dialog;
  std::string version;  // dialog content hash
  std::string current;  // node waiting for input, or the outcome reached
  bool finished = false;
  std::vector<Answer> history;  // answered nodes, oldest first; "back" pops
  std::vector<AlertMark> alerts;  // every safety alert so far, oldest first
  Millis started = 0;
  Millis updated = 0;

  bool can_go_back() const { return !history.empty(); }
  bool alert_fired() const { return !alerts.empty(); }
};

// --- inputs ---
struct StartInput {};
struct ChooseInput { std::string node, option; };
struct TypeInput {
  std::string node, text;
  // What a free-text answer is kept as in the state, when it differs from `text` (the server
  // passes the redacted text here; the safety check and matching still see `text`).
  std::optional<std::string> record_as = std::nullopt;
};
struct BackInput {};
struct RestartInput {};
// Jumps to the dialog's `urgent` node from anywhere (even an outcome), keeping the place for "back".
struct UrgentInput {};
using Input = std::variant<StartInput, ChooseInput, TypeInput, BackInput, RestartInput, UrgentInput>;

// --- events: self-contained values, so the caller can render them without the dialog ---
struct OptionView { std::string id, label, say; };
struct ContactView {
  std::string id, name, phone, email, hours, note, source;
  std::string email_say;  // the email read aloud in parts, when content gives it
};
struct FormView { std::string id, name, text, source, url; };
struct GuidanceView { std::string id, title, text, source, url; };

struct PromptEvent {
  std::string node, text, say, help, source;
  bool free_text = false;
  std::vector<OptionView> options;
  bool can_go_back = false;
};
struct InfoEvent { std::string node, text, say, source; };
struct OutcomeEvent {
  std::string node, code, title, text, say, source;
  std::vector<std::string> points;  // at most three, after the next step
  std::vector<ContactView> contacts;
  std::vector<FormView> forms;
  std::vector<GuidanceView> guidance;  // guidance snippets and services, in the order named
  bool handoff_available = false;
  bool come_back = false;  // the practitioner comes back here after doing something (web: a link back)
  std::map<std::string, std::string> facts;  // e.g. area, consent
  // A safety alert fired earlier: the outcome shows the safety contacts and says so.
  bool alert_fired = false;
  std::string alert_note;
  std::string alert_note_say;  // the same for the voice line, which cannot show it
};
// An answer given earlier to one of the dialog's safety questions, which what was typed may change.
struct EarlierAnswer {
  std::string node, question, answer;
};
struct AlertEvent {
  std::string level = "urgent";
  std::string category;  // immediate_danger | significant_harm
  std::string text, say, source;
  std::vector<ContactView> contacts;
  std::vector<EarlierAnswer> earlier_answers;
  // Why it fired (categories and the words), for the log and the hub reviewer: never sent to
  // the practitioner.
  std::vector<Detection> detections;
};
struct ErrorEvent {
  std::string code, message;
  std::string say;                    // for phone and voice, when it differs
  std::vector<ContactView> contacts;  // no_match: the safety contacts its fail-safe line names
  // no_match of words that named an option the wrong way round: "negated" or "question"
  // (text_match.hpp), with the question's help and the offer of a person.
  std::string reason, help;
  bool handoff_available = false;
};
// Typed (or spoken) words were taken as this option: said back before what follows, so a
// practitioner sees what their words were read as. Choosing an option by its id has none.
struct MatchedEvent { std::string node, option, label, say; };
using Event = std::variant<PromptEvent, InfoEvent, OutcomeEvent, AlertEvent, ErrorEvent, MatchedEvent>;

struct Step {
  State state;
  std::vector<Event> events;
};

// Applies one input. Errors (stale node, no match...) leave the state as it was, apart from
// `updated`, and come back as an ErrorEvent followed by what is on screen now.
Step advance(const Dialog& dialog, const Catalogue& content, State state, const Input& input, Millis now);

// What the user should see for this state (the current prompt or outcome): for resume.
std::vector<Event> current_view(const Dialog& dialog, const Catalogue& content, const State& state);

// Facts recorded along the path (option `sets`, free-text `fact`s).
std::map<std::string, std::string> facts_of(const Dialog& dialog, const State& state);

// The alert free text raises (none, or one naming every category found), with the contacts.
std::vector<AlertEvent> safety_alerts(const Catalogue& content, const std::string& text);

// The alerts with the answers given so far to the dialog's safety questions (Dialog::safety_questions).
void add_earlier_answers(std::vector<AlertEvent>& alerts, const Dialog& dialog, const State& state);

// The state with the alerts remembered (typed text at `node` raised them at `now`): for text
// the engine does not see, such as a message to a person or a phone note.
void remember_alerts(State& state, const std::string& node, const std::vector<AlertEvent>& alerts, Millis now);

ContactView view_of(const Contact& contact);
// The contacts named, as users see them: those with no checked phone or email are left out.
std::vector<ContactView> contact_views(const Catalogue& content, const std::vector<std::string>& ids);

// Node text with its "{contact.phone}" details filled in from content/, as users see it (the
// validator has checked every one can be filled).
std::string filled_text(const std::string& text, const Catalogue& content);

}  // namespace rc
