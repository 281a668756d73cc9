// The whole email for one handoff event, as sent over SMTP: RFC 5322 headers and a
// quoted-printable UTF-8 plain-text body, CRLF line ends. Pure: built from the event alone.
#pragma once
#include <string>
#include <vector>

#include "handoff/connector.hpp"

namespace rc::handoff {

// What the message needs from the connector's settings.
struct MessageSettings {
  std::string from;
  std::vector<std::string> to;
  std::string subject_prefix = "rightconv";
  bool include_free_text = false;
};

// The full message text, ready for DATA.
std::string compose_email(const OutboundEvent& event, const MessageSettings& settings);

// "rightconv: request for support HO-7KQ2-M9XD (east, early_help_assessment)". Built only
// from the reference, route and outcome code, each cut to a plain token: never free text,
// whatever the payload holds, since subjects show in notifications and on lock screens.
std::string email_subject(const OutboundEvent& event, const std::string& prefix);

// "<evt_5f0c...@rightconv>": the same for every attempt at one event, so a mailbox or a person
// can tell a retried send (after a lost 250) from a new request.
std::string email_message_id(const std::string& event_id);

// RFC 5322 date-time in UTC, e.g. "Wed, 25 Nov 2026 10:32:05 +0000".
std::string rfc5322_date(Millis when);

}  // namespace rc::handoff
