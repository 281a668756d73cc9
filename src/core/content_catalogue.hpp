// The content catalogue: contacts, forms, services, guidance snippets and safety terms,
// each with the source document it came from. Dialogs refer to these by id only.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "problem.hpp"
#include "result.hpp"
#include "safety_rules.hpp"
#include "source_quote.hpp"

namespace rc {

struct Source {
  std::string id;     // e.g. 002_9cb3e83fa45f89f9.txt
  std::string title;
  // A copy of the document (content/sources/...), when the source is one: quotes and details
  // "as published" are checked against it. National practice and the project's own steps have none.
  std::string document_path;  // as written in sources.yaml, relative to the content folder
  std::string document;       // its text, read by the guidance loader
  std::string file;
  int line = 0;
};

struct Contact {
  std::string id, name, phone, email, hours, note, source;
  std::string phone_as_published, email_as_published;  // what the source document printed
  std::set<std::string> needs_verification;           // fields never shown until verified ("phone", "email")
  std::string verification_note;
  bool emergency = false;  // 999: the one number allowed to be short
  // Not in the documents, shown only once a deployment configures it (an out-of-hours line).
  bool optional = false;
  // How to read the email aloud, in parts ("east early help, all one word, at leeds dot gov dot
  // uk"); checked against the email.
  std::string email_say;
  Quotes quote;
  std::string overridden_by;  // deployment config that replaced a detail, if any
  std::string file;
  int line = 0;

  bool shows(const std::string& field) const { return needs_verification.count(field) == 0; }
  std::string shown_phone() const { return shows("phone") ? phone : std::string(); }
  std::string shown_email() const { return shows("email") ? email : std::string(); }
};

struct Form {
  std::string id, name, text, source, file;
  std::string url;  // where to get it, when the guidance gives an address (https only)
  Quotes quote;
  int line = 0;
};

struct Service {
  std::string id, name, text, source, file;
  std::string url;  // as for Form
  Quotes quote;
  int line = 0;
};

struct GuidanceSnippet {
  std::string id, title, text, source, file;
  std::string url;  // as for Form
  Quotes quote;
  int line = 0;
};

// How phone-line staff close a call (content/wrap_up_codes.yaml): the code recorded with the call.
struct WrapUpCode {
  std::string id, label, text, source, file;
  bool needs_outcome = true;  // only after the dialog reached an outcome (false: caller_disconnected, other)
  std::vector<std::string> suggested_for;  // outcome codes the call page suggests this code for
  int line = 0;
};

// A reply hub staff can send from the console with one click (content/canned_replies.yaml).
// Contact details only by placeholder ({duty_and_advice.phone}), filled from the catalogue so
// every number has its source; a hub admin edits the file and `rightconv check` checks it.
struct CannedReply {
  std::string id, label, text, source, file;
  int line = 0;
};

class SafetyDetector;

// The safety interrupt (content/safety/): what an alert says, the line every unmatched answer
// carries, and the detector that decides when free text raises an alert.
struct SafetyRules {
  std::string alert_text;
  std::string alert_say;
  // "If a child is in immediate danger, call {emergency_999.phone}...": the one line every reply
  // to unmatched text carries. Contact details come from the catalogue ({contact.phone|email}).
  std::string fail_safe_text;
  std::string fail_safe_say;
  // Shown on every outcome of a conversation in which an alert fired; outcome_note_say is what
  // the voice line says instead (the numbers are read with the contacts that follow).
  std::string outcome_note;
  std::string outcome_note_say;
  std::vector<std::string> contacts;  // contact ids shown with every alert
  std::string source;
  std::string file;
  int line = 0;
  SafetyDetectorRules detector_rules;
  std::shared_ptr<const SafetyDetector> detector;  // compiled from detector_rules when guidance is loaded
};

struct Catalogue {
  std::map<std::string, Source> sources;
  std::map<std::string, Contact> contacts;
  std::map<std::string, Form> forms;
  std::map<std::string, Service> services;
  std::map<std::string, GuidanceSnippet> guidance;
  std::map<std::string, WrapUpCode> wrap_up_codes;
  std::map<std::string, CannedReply> canned_replies;
  SafetyRules safety;

  bool has_source(const std::string& id) const { return sources.count(id) != 0; }
};

// Parses one content file (YAML or JSON) into the catalogue. Any top-level section may
// appear in any file: sources, contacts, forms, services, guidance, safety, safety_detector,
// wrap_up_codes.
void parse_content(const std::string& text, const std::string& file, Catalogue& into, Problems& problems);

// "{duty_and_advice.phone}" in a text filled from the catalogue's shown details; an unknown
// contact or a withheld detail comes back as an error naming it.
Result<std::string> fill_contact_details(const std::string& text, const Catalogue& catalogue);

// Checks every contact (UK phone format, email syntax, details as published found in the
// source document), every source reference, every quote and the safety rules. A malformed detail not marked needs_verification is an error; a marked one
// is a warning saying it is withheld.
Problems check_catalogue(const Catalogue& catalogue);

}  // namespace rc
