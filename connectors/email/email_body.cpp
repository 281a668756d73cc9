// See email_body.hpp. One function per event kind; payload fields are read defensively (a
// missing or oddly typed field reads as absent) so a payload change never stops a send.
#include "email_body.hpp"

#include <ctime>

#include "core/utc_time.hpp"

namespace rc::handoff {

namespace {

using nlohmann::json;

const json& data_of(const OutboundEvent& e) {
  static const json empty = json::object();
  const auto it = e.payload.find("data");
  return it != e.payload.end() && it->is_object() ? *it : empty;
}

std::string text_field(const json& j, const char* key, const std::string& otherwise = {}) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty() ? it->get<std::string>() : otherwise;
}

std::string route_of(const OutboundEvent& e) { return text_field(e.payload, "route", "(none)"); }

void field(std::string& out, const std::string& label, const std::string& value) {
  out += label + ":" + std::string(label.size() < 10 ? 10 - label.size() : 1, ' ') + value + "\n";
}

std::string yes_no(const json& data, const char* key) {
  const auto it = data.find(key);
  if (it == data.end() || !it->is_boolean()) return "not recorded";
  return it->get<bool>() ? "yes" : "no";
}

std::string outcome_text(const json& data) {
  const std::string code = text_field(data, "outcome");
  if (code.empty()) return "not reached (the practitioner asked before the end of the dialog)";
  const std::string title = text_field(data, "outcome_title");
  return title.empty() ? code : title + " (" + code + ")";
}

// "  " before every line after the first, so a multi-line answer stays under its question.
std::string indented(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out;
}

bool is_typed(const json& answer) {
  const auto it = answer.find("typed");
  return it != answer.end() && it->is_boolean() && it->get<bool>();
}

std::string answer_text(const json& answer) {
  const auto it = answer.find("answer");
  if (it == answer.end() || it->is_null()) return "(no answer)";
  return it->is_string() ? it->get<std::string>() : it->dump(-1, ' ', false, json::error_handler_t::replace);
}

void answers(std::string& out, const json& data, bool include_free_text) {
  const auto it = data.find("answers");
  if (it == data.end() || !it->is_array() || it->empty()) return;
  out += "\nAnswers\n-------\n";
  for (const auto& a : *it) {
    if (!a.is_object() || (is_typed(a) && !include_free_text)) continue;
    out += "- " + text_field(a, "question", text_field(a, "node", "(question)")) + "\n  " + indented(answer_text(a)) + "\n";
  }
}

void reason(std::string& out, const json& data, bool include_free_text) {
  const std::string text = include_free_text ? text_field(data, "reason") : std::string();
  if (text.empty()) return;
  out += "\nWhat the practitioner wrote (redacted)\n--------------------------------------\n" + text + "\n";
}

void summary(std::string& out, const json& data) {
  const std::string text = text_field(data, "summary_text");
  if (text.empty()) return;
  out += "\nThe summary the practitioner was given\n--------------------------------------\n" + text + (text.back() == '\n' ? "" : "\n");
}

void footer(std::string& out, const OutboundEvent& e) {
  out += "\n-- \nSent by rightconv. Find this request in the review page by its reference, " + e.reference +
         ".\nEvent " + e.event_id + "\n";
}

std::string requested(const OutboundEvent& e, bool include_free_text) {
  const json& d = data_of(e);
  std::string out = "Request for support " + e.reference + "\n\n";
  out += "A practitioner asked to talk to someone about a child. Please quote the reference " + e.reference +
         " when you follow this up.\n\n";
  field(out, "Reference", e.reference);
  field(out, "Route", route_of(e));
  field(out, "Area", text_field(d, "area", "not known"));
  field(out, "Outcome", outcome_text(d));
  field(out, "Consent", text_field(d, "consent", "not recorded"));
  field(out, "Urgent", yes_no(d, "urgent"));
  field(out, "Requested", utc_time_text(e.created_at));
  field(out, "Channel", text_field(d, "channel", "not recorded"));
  field(out, "Dialog", text_field(d, "dialog", "not recorded"));
  answers(out, d, include_free_text);
  reason(out, d, include_free_text);
  summary(out, d);
  return out;
}

std::string message(const OutboundEvent& e, bool include_free_text) {
  const json& d = data_of(e);
  const std::string text = include_free_text ? text_field(d, "text") : std::string();
  std::string out = "New message from the practitioner on " + e.reference + "\n\n";
  field(out, "Reference", e.reference);
  field(out, "Route", route_of(e));
  field(out, "Sent", utc_time_text(e.created_at));
  if (yes_no(d, "safety_alert") == "yes")
    out += "\nThis message raised the safety interrupt: the practitioner was shown the urgent steps (999, Duty and Advice).\n";
  out += text.empty() ? "\nThe text is not sent by email. Read it in the review page.\n" : "\nMessage (redacted)\n------------------\n" + text + "\n";
  return out;
}

std::string status_change(const OutboundEvent& e, const std::string& headline, const std::string& by) {
  std::string out = headline + "\n\n";
  field(out, "Reference", e.reference);
  field(out, "Route", route_of(e));
  if (!by.empty()) field(out, "By", by);
  field(out, "When", utc_time_text(e.created_at));
  return out;
}

std::string kind_body(const OutboundEvent& e, bool include_free_text) {
  const json& d = data_of(e);
  if (e.kind == "requested") return requested(e, include_free_text);
  if (e.kind == "message") return message(e, include_free_text);
  if (e.kind == "accepted") return status_change(e, "Request " + e.reference + " was accepted", text_field(d, "by"));
  if (e.kind == "cancelled") return status_change(e, "The practitioner cancelled request " + e.reference, "");
  if (e.kind == "ended") return status_change(e, "Request " + e.reference + " was ended", text_field(d, "by"));
  return status_change(e, "Request " + e.reference + ": " + e.kind, "");
}

}  // namespace

std::string utc_time_text(Millis when) { return utc_format(when, "%Y-%m-%d %H:%M:%S UTC"); }

std::string email_body(const OutboundEvent& event, bool include_free_text) {
  std::string out = kind_body(event, include_free_text);
  footer(out, event);
  return out;
}

}  // namespace rc::handoff
