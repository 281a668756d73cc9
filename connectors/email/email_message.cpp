// See email_message.hpp. Headers hold only ASCII that this file controls (tokens, validated
// addresses, a checked prefix), so no header needs RFC 2047 encoding and none can be split by
// a payload value.
#include "email_message.hpp"

#include <cstdio>
#include <ctime>

#include "email_body.hpp"
#include "quoted_printable.hpp"

namespace rc::handoff {

namespace {

constexpr std::size_t kMaxToken = 48;

// Letters, digits, "_", "-" and "." pass; anything else becomes "_", and long values are cut.
std::string token(const std::string& value) {
  std::string out;
  for (char c : value.substr(0, kMaxToken)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    out += keep ? c : '_';
  }
  return out;
}

std::string payload_token(const OutboundEvent& e, const char* key, bool in_data) {
  const nlohmann::json* j = &e.payload;
  if (in_data) {
    const auto d = e.payload.find("data");
    if (d == e.payload.end() || !d->is_object()) return {};
    j = &*d;
  }
  const auto it = j->find(key);
  return it != j->end() && it->is_string() ? token(it->get<std::string>()) : std::string();
}

// "(east, early_help_assessment)", "(east)" or "".
std::string subject_detail(const OutboundEvent& e, bool with_outcome) {
  std::string parts = payload_token(e, "route", false);
  const std::string outcome = with_outcome ? payload_token(e, "outcome", true) : std::string();
  if (!outcome.empty()) parts += (parts.empty() ? "" : ", ") + outcome;
  return parts.empty() ? std::string() : " (" + parts + ")";
}

std::string subject_text(const OutboundEvent& e) {
  const std::string ref = token(e.reference);
  if (e.kind == "requested") return "request for support " + ref + subject_detail(e, true);
  if (e.kind == "message") return "new message on " + ref + subject_detail(e, false);
  if (e.kind == "accepted") return ref + " accepted" + subject_detail(e, false);
  if (e.kind == "cancelled") return ref + " cancelled by the practitioner" + subject_detail(e, false);
  if (e.kind == "ended") return ref + " ended" + subject_detail(e, false);
  return ref + " " + token(e.kind) + subject_detail(e, false);
}

// "To: a@x, b@y", folded onto continuation lines before it passes 78 columns.
std::string to_header(const std::vector<std::string>& to) {
  std::string out = "To: ";
  std::size_t width = out.size();
  for (std::size_t i = 0; i < to.size(); ++i) {
    const std::string item = to[i] + (i + 1 < to.size() ? "," : "");
    if (i > 0 && width + 1 + item.size() > 78) {
      out += "\r\n ";
      width = 1;
    } else if (i > 0) {
      out += " ";
      ++width;
    }
    out += item;
    width += item.size();
  }
  return out + "\r\n";
}

void header(std::string& out, const std::string& name, const std::string& value) { out += name + ": " + value + "\r\n"; }

}  // namespace

std::string email_subject(const OutboundEvent& event, const std::string& prefix) { return prefix + ": " + subject_text(event); }

std::string email_message_id(const std::string& event_id) { return "<" + token(event_id) + "@rightconv>"; }

std::string rfc5322_date(Millis when) {
  const std::time_t t = static_cast<std::time_t>(when / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  // Day and month names spelled out here: strftime's %a and %b follow the locale.
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string compose_email(const OutboundEvent& event, const MessageSettings& s) {
  std::string out;
  header(out, "From", s.from);
  out += to_header(s.to);
  header(out, "Subject", email_subject(event, s.subject_prefix));
  header(out, "Date", rfc5322_date(event.created_at));
  header(out, "Message-ID", email_message_id(event.event_id));
  header(out, "MIME-Version", "1.0");
  header(out, "Content-Type", "text/plain; charset=utf-8");
  header(out, "Content-Transfer-Encoding", "quoted-printable");
  // RFC 3834: out-of-office replies and other robots should not answer a generated message.
  header(out, "Auto-Submitted", "auto-generated");
  header(out, "X-Rightconv-Reference", token(event.reference));
  header(out, "X-Rightconv-Event", token(event.kind));
  out += "\r\n";
  out += encode_quoted_printable(email_body(event, s.include_free_text));
  return out;
}

}  // namespace rc::handoff
