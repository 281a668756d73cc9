// The summary a practitioner copies, prints or downloads at an outcome (and a handoff carries):
// the date, the answers, the advice, the contacts, forms and sources, laid out for the next step.
// Pure: the caller passes the reference (conversation id) and the time in.
#pragma once
#include <string>
#include <vector>

#include "content_catalogue.hpp"
#include "dialog.hpp"
#include "engine.hpp"

namespace rc {

struct SummaryAnswer {
  std::string node, question, answer;
  bool typed = false;  // free text, as kept in the state (redacted), redacted again here
  bool withheld = false;  // typed text that raised the safety alert: never copied into the summary
  // What the summary text does not show, for the answered path on resume (docs/protocol.md):
  bool matched = false;    // typed words taken as the option `answer` names
  std::string typed_text;  // those words (redacted again), unless they raised the alert
  bool alert = false;      // a safety alert fired at this answer
  Millis at = 0;           // when it was answered; 0 when the state is older than answer times
};

struct SummaryItem { std::string label, text; };

// One part of the layout for the next step, e.g. "Early Help Request Form: sections to complete".
struct SummarySection {
  std::string heading, intro;
  std::vector<SummaryItem> items;
  std::string source;  // the document the wording follows
};

struct SummarySource { std::string id, title; };

struct Summary {
  std::string heading;      // "Early help in Leeds: summary"
  std::string layout;       // request_form | registration | call | next_steps
  std::string date;         // "Friday 14 March 2025, 10:32 (UK time)"
  std::string time_utc;     // "2025-03-14T10:32:05Z"
  std::string reference;    // the conversation id
  std::string outcome, node, title, advice;
  std::vector<std::string> points;  // the outcome's few points after the next step
  // Set when a safety alert fired in the conversation: said first, before any other step.
  std::string safety_alert;
  std::vector<SummaryAnswer> answers;
  bool answers_in_sections = false;  // the call layout lists the answers as its points
  std::vector<SummarySection> sections;
  std::vector<ContactView> contacts;  // only checked details, as the outcome shows them
  std::vector<FormView> forms;
  std::vector<GuidanceView> guidance;
  std::vector<SummarySource> sources;  // the documents behind all of the above, by id
};

// The summary of a conversation at its outcome. `state` must be finished; its free text is
// the redacted text the server kept, and is redacted once more here. Returns an empty summary
// (no outcome) when the state is not at an outcome.
Summary summarise(const Dialog& dialog, const Catalogue& content, const State& state, const std::string& reference, Millis now);
// The same, from the outcome the engine has just shown for `state` (not worked out again).
Summary summarise(const Dialog& dialog, const Catalogue& content, const State& state, const OutcomeEvent& shown, const std::string& reference, Millis now);

// The answers given so far, in order (typed ones redacted again): for a handoff before an
// outcome, and the answered path a resumed conversation shows.
std::vector<SummaryAnswer> summary_answers(const Dialog& dialog, const State& state);

// The summary as plain text (UTF-8, "\n" line ends), for Copy, Download and a handoff.
std::string render_summary_text(const Summary& summary);

// The same text cut into what every conversation reaching the outcome shares (its heading and
// title, what to do next, the contacts, forms, guidance and sources) and what is the
// conversation's own (the date and reference, a safety alert, the sections and answers, the note
// on typed answers), for the log to keep the shared parts once. The text is shared[0] own[0]
// shared[1] ... own[n-1] shared[n]; empty (no parts) when there is no outcome.
struct SummaryText {
  std::vector<std::string> shared, own;
  std::string joined() const;
};
SummaryText summary_text_parts(const Summary& summary);
// A multi-line value as the text form writes it: continuation lines keep the bullet's indent.
std::string summary_indented(const std::string& text);

// "Friday 14 March 2025, 10:32 (UK time)": the UK clock, British Summer Time included.
std::string uk_date_time(Millis when);
// "2025-03-14T10:32:05Z": the same moment in UTC, to the second.
std::string utc_iso(Millis when);

}  // namespace rc
