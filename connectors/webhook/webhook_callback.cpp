// See webhook_callback.hpp. Every refusal is a JSON {"error": code, "message": ...} reply with
// a message precise enough for the peer's developer to fix their side.
#include "webhook_callback.hpp"

#include <spdlog/spdlog.h>

#include <future>
#include <memory>
#include <optional>

#include "core/json_text.hpp"
#include "webhook_signature.hpp"

namespace rc::handoff::webhook {

namespace {

constexpr std::size_t kMaxWebhookIdLength = 256;  // it is stored as the callback id
constexpr std::size_t kMaxReferenceLength = 64;   // real ones are like "HO-7KQ2-M9XD"

// What the person on the other side did, as the body says.
struct PeerReport {
  std::string type;  // accepted | message | ended | rejected
  std::string reference;
  PeerActor by;
  std::string text;    // message
  std::string note;    // ended
  std::string reason;  // rejected
};

CallbackReply refuse(int status, const std::string& code, const std::string& message) {
  return {status, nlohmann::json{{"error", code}, {"message", message}}.dump()};
}

std::optional<std::string> header(const CallbackRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  if (it == request.headers.end()) return std::nullopt;
  return it->second;
}

// Ids and references end up in the log and the database: no spaces or control characters.
bool is_printable_token(const std::string& text, std::size_t max_length) {
  if (text.empty() || text.size() > max_length) return false;
  for (unsigned char c : text)
    if (c <= 0x20 || c >= 0x7f) return false;
  return true;
}

std::optional<std::int64_t> parse_unix_seconds(const std::string& text) {
  if (text.empty() || text.size() > 15) return std::nullopt;  // 15 digits: far past any real clock, far from overflow
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Refuses a request whose headers, timestamp or signature are wrong; nullopt lets it through.
std::optional<CallbackReply> refuse_unverified(const CallbackRequest& request, const CallbackPolicy& policy) {
  const auto id = header(request, "webhook-id");
  const auto timestamp = header(request, "webhook-timestamp");
  const auto signature = header(request, "webhook-signature");
  std::string missing;
  const std::pair<const char*, const std::optional<std::string>*> required[] = {
      {"webhook-id", &id}, {"webhook-timestamp", &timestamp}, {"webhook-signature", &signature}};
  for (const auto& [name, value] : required)
    if (!*value || (*value)->empty()) missing += (missing.empty() ? "" : ", ") + std::string(name);
  if (!missing.empty()) return refuse(400, "missing_header", "missing Standard Webhooks header(s): " + missing);
  if (!is_printable_token(*id, kMaxWebhookIdLength))
    return refuse(400, "bad_header", "webhook-id: expected up to " + std::to_string(kMaxWebhookIdLength) + " printable characters without spaces");

  const auto seconds = parse_unix_seconds(*timestamp);
  if (!seconds) return refuse(400, "bad_header", "webhook-timestamp: expected unix time in whole seconds");
  const std::int64_t now_seconds = policy.now() / 1000;
  if (*seconds < now_seconds - policy.max_clock_skew.count() || *seconds > now_seconds + policy.max_clock_skew.count())
    return refuse(400, "stale_timestamp", "stale timestamp: webhook-timestamp is more than " + std::to_string(policy.max_clock_skew.count() / 60) +
                                              " minutes from the server's clock");
  if (!verify(policy.key, *id, *timestamp, request.body, *signature))
    return refuse(401, "bad_signature", "webhook-signature: no v1 signature matches the callback secret");
  return std::nullopt;
}

// An optional string field: absent is "", any other type an error naming the field.
Result<std::string> optional_string(const nlohmann::json& object, const std::string& field, const std::string& path) {
  if (!object.contains(field)) return std::string();
  if (!object[field].is_string()) return make_error(path + ": expected a string");
  return object[field].get<std::string>();
}

Result<PeerActor> parse_actor(const nlohmann::json& body, const std::string& connector) {
  const std::string hint = "by: expected the person who acted, e.g. {\"id\": \"crm:4711\", \"name\": \"Sam (East hub)\"}";
  if (!body.contains("by") || !body["by"].is_object()) return make_error(hint);
  const auto& by = body["by"];
  auto id = optional_string(by, "id", "by.id");
  if (!id) return id.error();
  if (!by.contains("name") || !by["name"].is_string() || by["name"].get<std::string>().empty())
    return make_error("by.name: expected the person's display name (a non-empty string)");
  return PeerActor{connector, id.value(), by["name"].get<std::string>()};
}

Result<PeerReport> parse_report(const std::string& text, const std::string& connector) {
  const auto body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded()) return make_error("body: not valid JSON");
  if (!body.is_object()) return make_error("body: expected a JSON object");
  if (has_nul_escape(text)) return make_error("body: text may not contain the NUL character (\\u0000)");
  PeerReport r;
  if (body.contains("type") && body["type"].is_string()) r.type = body["type"].get<std::string>();
  if (r.type != "accepted" && r.type != "message" && r.type != "ended" && r.type != "rejected")
    return make_error("type: expected \"accepted\", \"message\", \"ended\" or \"rejected\"");
  if (!body.contains("reference") || !body["reference"].is_string() || !is_printable_token(body["reference"].get<std::string>(), kMaxReferenceLength))
    return make_error("reference: expected the handoff reference, e.g. \"HO-7KQ2-M9XD\"");
  r.reference = body["reference"].get<std::string>();
  auto by = parse_actor(body, connector);
  if (!by) return by.error();
  r.by = std::move(by.value());
  auto text_field = optional_string(body, "text", "text");
  auto note = optional_string(body, "note", "note");
  auto reason = optional_string(body, "reason", "reason");
  for (const auto* field : {&text_field, &note, &reason})
    if (!*field) return field->error();
  r.text = text_field.value();
  r.note = note.value();
  r.reason = reason.value();
  if (r.type == "message" && r.text.empty()) return make_error("text: a message needs its text (a non-empty string)");
  return r;
}

// HandoffControl answers through a callback that may run on any thread, or (if the server
// drops it) never: the promise is shared with that callback so either way is safe.
std::optional<ControlOutcome> apply_report(const PeerReport& r, const std::string& callback_id, HandoffControl& control,
                                           std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<ControlOutcome>>();
  auto outcome = promise->get_future();
  ControlDone done = [promise](ControlOutcome o) {
    try {
      promise->set_value(std::move(o));
    } catch (const std::future_error&) {  // called twice: the first answer stands
    }
  };
  if (r.type == "accepted") control.accept(r.reference, r.by, callback_id, std::move(done));
  else if (r.type == "message") control.staff_message(r.reference, r.by, r.text, callback_id, std::move(done));
  else if (r.type == "ended") control.end(r.reference, r.by, r.note, callback_id, std::move(done));
  else control.reject(r.reference, r.by, r.reason, callback_id, std::move(done));
  if (outcome.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  try {
    return outcome.get();
  } catch (const std::future_error&) {  // the server dropped `done` without calling it
    return std::nullopt;
  }
}

CallbackReply reply_for(const ControlOutcome& outcome) {
  if (outcome.ok) return {200, outcome.duplicate ? R"({"ok":true,"duplicate":true})" : R"({"ok":true})"};
  const std::string& code = outcome.code;
  const int status = code == "unknown_reference"                     ? 404
                     : code == "not_waiting" || code == "not_active" ? 409
                     : code == "bad_request"                         ? 400
                                                                     : 503;
  return refuse(status, status == 503 && code.empty() ? "server_busy" : code, outcome.message);
}

}  // namespace

CallbackReply answer_callback(const CallbackRequest& request, HandoffControl& control, const CallbackPolicy& policy) {
  if (auto refusal = refuse_unverified(request, policy)) {
    spdlog::warn("webhook {}: callback from {} refused ({})", policy.connector, request.remote_address, refusal->status);
    return *refusal;
  }
  auto report = parse_report(request.body, policy.connector);
  if (!report) return refuse(400, "bad_body", report.error().message);
  const std::string callback_id = request.headers.at("webhook-id");
  const auto outcome = apply_report(*report, callback_id, control, policy.control_timeout);
  if (!outcome) {
    spdlog::warn("webhook {}: callback {} ({} {}) got no answer in time", policy.connector, callback_id, report->type, report->reference);
    return refuse(503, "server_busy", "the server did not answer in time; retry with the same webhook-id");
  }
  const CallbackReply reply = reply_for(*outcome);
  spdlog::info("webhook {}: callback {} ({} {}) answered {}", policy.connector, callback_id, report->type, report->reference, reply.status);
  return reply;
}

}  // namespace rc::handoff::webhook
