// See voice_endpoint.hpp.
#include "voice_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <memory>

#include "core/state_json.hpp"
#include "store/ids.hpp"
#include "store/audit_log.hpp"
#include "store/group_commit_writer.hpp"
#include "store/sqlite_conversation_log.hpp"
#include "twilio_signature.hpp"
#include "voice_call_store.hpp"

namespace rc::voice {
namespace {

using json = nlohmann::json;
constexpr std::string_view kPrefix = "/v1/voice/";
const char* kEmptyTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response/>\n";  // nothing to say

VoiceResponse plain(int status, std::string body) { return {status, "text/plain; charset=utf-8", std::move(body)}; }
VoiceResponse twiml(std::string body) { return {200, "text/xml; charset=utf-8", std::move(body)}; }

bool is_form(const std::string& content_type) {
  std::string lower;
  for (char c : content_type.substr(0, content_type.find(';'))) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!lower.empty() && lower.back() == ' ') lower.pop_back();
  return lower == "application/x-www-form-urlencoded";
}

// Twilio's are "CA" and 32 hex digits; other providers use UUIDs or "v3:..." ids.
bool is_call_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != ':' && c != '.') return false;
  return true;
}

bool is_final_call_status(const std::string& status) {
  return status == "completed" || status == "busy" || status == "failed" || status == "no-answer" || status == "canceled";
}

// What one request asks for, once it is known to come from the provider.
struct CallRequest {
  const Dialog* dialog = nullptr;
  std::string call_sid;
  CallInput input;
  std::string call_status;  // set for a status callback (?event=status)
  std::string action_base;  // public URL of this dialog's webhook
};

struct Services {
  std::shared_ptr<const GuidanceSet> guidance;  // kept alive while the turn is queued: the request's dialog is in it
  const Catalogue& content;
  TwimlSettings settings;
  Millis now;
  const GuidanceSource* source = nullptr;
};

// A reply for when the turn could not be saved: the caller still hears the numbers.
std::string fallback_twiml(const Catalogue& content, const TwimlSettings& settings) {
  VoiceReply reply;
  reply.lines.push_back("Sorry, this service has a problem and cannot carry on with your call. Please try again later.");
  reply.lines.push_back(opening_line(content));
  reply.hang_up = true;
  reply.ending_contacts = ending_contacts(content);
  return render_twiml(reply, settings, {});
}

void reject(VoiceServices& ctx, const VoiceRequest& request, const std::string& path, const char* reason, const Respond& respond) {
  ctx.metrics.voice_rejected++;
  const auto unaudited_before = ctx.rejections.record(request.remote_address, ctx.now());
  if (!unaudited_before) return respond(plain(403, "forbidden\n"));  // counted; this source was audited this minute
  spdlog::warn("voice: rejected a request to {} from {}: {}", path.substr(0, 200), request.remote_address, reason);
  staff::AuditEntry entry{ctx.now(), "voice", "voice_rejected",
                          json{{"path", path.substr(0, 200)}, {"reason", reason}, {"refused_since_last_row", *unaudited_before}}.dump(),
                          request.remote_address};
  // Answered once the audit row is committed, so a rejection is on record before the caller knows.
  ctx.writer.submit([entry](store::Db& db) { staff::append_audit(db, entry); },
                    [respond](const store::WriteResult& result) {
                      if (!result.ok()) spdlog::error("voice: could not audit a rejected request: {}", result.message);
                      respond(plain(403, "forbidden\n"));
                    });
}

// One turn of a call, all inside the writer's transaction: reading, deciding and writing in one
// job means two requests for one call (a provider's retry) can never both move it on.
CallTurn run_turn(store::Db& db, const CallRequest& r, const Services& s) {
  const Dialog& d = *r.dialog;
  const bool can_dial = s.settings.dial;
  auto start_new = [&](const std::string& notice) {
    CallTurn turn = start_call(d, s.content, s.now, notice);
    const std::string id = new_conversation_id(s.now);
    store::Record record = record_of_turn(d, id, turn, d.start, true, s.now);
    record.start->reference = store::SqliteConversationLog::unused_reference(db);  // chosen in this transaction: never taken
    store::SqliteConversationLog::apply(db, record);
    save_call(db, r.call_sid, id, 0, s.now);
    return turn;
  };
  auto call = load_call(db, r.call_sid);
  if (!call)
    return start_new(r.input.node.empty() ? std::string() : "Sorry, I could not find where this call had got to, so we will start again.");
  const auto& conv = call->conversation;
  if (conv.ended_at) {  // a retried last request: say the ending again, change nothing
    CallTurn turn;
    turn.reply.lines.push_back("This call has ended.");
    turn.reply.hang_up = true;
    turn.reply.ending_contacts = ending_contacts(s.content);
    return turn;
  }
  auto state = state_from_json(json::parse(conv.state, nullptr, false));
  // A reload during the call: it carries on with the dialog (and content) it began on, if kept.
  std::shared_ptr<const GuidanceSet> began_on;
  if (conv.dialog_id == d.id && conv.dialog_version != d.content_hash && s.source) began_on = s.source->holding(conv.dialog_id, conv.dialog_version);
  const Dialog& dialog = began_on ? *began_on->find(conv.dialog_id) : d;
  const Catalogue& content = began_on ? began_on->content : s.content;
  if (!state || conv.dialog_id != dialog.id || conv.dialog_version != dialog.content_hash || !dialog.find(state->current)) {
    const State old = state ? state.value() : State{};
    store::SqliteConversationLog::apply(db, record_of_end(d, conv.id, old, json{{"type", "restart"}, {"reason", "dialog_changed"}}, s.now));
    return start_new("The guidance has been updated since this call began, so we will start again.");
  }
  CallTurn turn = take_turn(dialog, content, CallState{state.value(), call->no_input}, r.input, can_dial, s.now);
  const std::string in_node = r.input.node.empty() ? state->current : r.input.node;
  store::SqliteConversationLog::apply(db, record_of_turn(dialog, conv.id, turn, in_node, false, s.now));
  save_call(db, r.call_sid, conv.id, turn.next.no_input, s.now);
  return turn;
}

// The provider says the call is over: end its conversation, if it is still open.
void end_call(store::Db& db, const CallRequest& r, Millis now) {
  auto call = load_call(db, r.call_sid);
  if (!call || call->conversation.ended_at) return;
  auto state = state_from_json(json::parse(call->conversation.state, nullptr, false));
  store::SqliteConversationLog::apply(
      db, record_of_end(*r.dialog, call->conversation.id, state ? state.value() : State{}, json{{"type", "end"}, {"call_status", r.call_status}}, now));
}

void run_call_request(const std::shared_ptr<VoiceServices>& server, CallRequest r, Respond respond) {
  VoiceServices& ctx = *server;
  const VoiceConfig& vc = ctx.config;
  auto services = std::make_shared<Services>(Services{ctx.guidance, ctx.guidance->content, TwimlSettings{vc.language, vc.voice, vc.dial}, ctx.now(), ctx.source});
  auto request = std::make_shared<CallRequest>(std::move(r));
  if (!request->call_status.empty()) {
    if (!is_final_call_status(request->call_status)) return respond(twiml(kEmptyTwiml));
    ctx.writer.submit([request, services](store::Db& db) { end_call(db, *request, services->now); },
                       [respond](const store::WriteResult& result) {
                         if (!result.ok()) spdlog::error("voice: could not end a call's conversation: {}", result.message);
                         respond(twiml(kEmptyTwiml));
                       });
    return;
  }
  auto turn = std::make_shared<CallTurn>();
  const auto submitted = std::chrono::steady_clock::now();
  ctx.writer.submit([request, services, turn](store::Db& db) { *turn = run_turn(db, *request, *services); },  // re-run from scratch if retried
                     [server, request, services, turn, submitted, respond](const store::WriteResult& result) {
                       VoiceServices& ctx = *server;
                       ctx.metrics.db_write_latency.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - submitted).count());
                       if (!result.ok()) {
                         ctx.metrics.write_failures++;
                         spdlog::error("voice: a call's turn could not be saved: {}", result.message);
                         return respond(twiml(fallback_twiml(services->content, services->settings)));
                       }
                       ctx.metrics.turns++;
                       for (const auto& e : turn->reply.events)
                         if (const auto* alert = std::get_if<AlertEvent>(&e); alert && !alert->detections.empty()) {
                           ctx.metrics.safety_alerts++;
                           break;
                         }
                       respond(twiml(render_twiml(turn->reply, services->settings, request->action_base)));
                     });
}

}  // namespace

bool is_voice_path(std::string_view path) { return path == "/v1/voice" || path.substr(0, kPrefix.size()) == kPrefix; }

void handle_voice_request(std::shared_ptr<VoiceServices> server, VoiceRequest request, Respond respond) {
  VoiceServices& ctx = *server;
  const VoiceConfig& vc = ctx.config;
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (!vc.enabled) return respond(plain(404, "not found\n"));
  if (request.method != "POST") return respond(plain(405, "method not allowed: the voice webhook takes POST\n"));
  if (!request.signature || request.signature->empty()) return reject(ctx, request, path, "missing signature", respond);
  if (!is_form(request.content_type)) return respond(plain(415, "expected application/x-www-form-urlencoded\n"));
  auto form = parse_form(request.body);
  if (!form) return respond(plain(400, form.error().message + "\n"));
  // Signed over the URL the provider was given: ours, never one built from the Host header.
  if (!is_valid_twilio_signature(vc.auth_token, vc.public_base_url + request.target, form.value(), *request.signature))
    return reject(ctx, request, path, "bad signature", respond);

  const auto query_at = request.target.find('?');
  auto query = parse_form(query_at == std::string::npos ? std::string_view() : std::string_view(request.target).substr(query_at + 1));
  if (!query) return respond(plain(400, query.error().message + "\n"));
  const std::string dialog_id = path.size() > kPrefix.size() ? path.substr(kPrefix.size()) : std::string();
  const Dialog* dialog = dialog_id.find('/') == std::string::npos ? ctx.guidance->find(dialog_id) : nullptr;
  if (!dialog) return respond(plain(404, "no such dialog\n"));
  CallRequest r;
  r.dialog = dialog;
  r.call_sid = field(form.value(), "CallSid");
  if (!is_call_id(r.call_sid)) return respond(plain(400, "missing or malformed CallSid\n"));
  // A provider's retry (seconds later) is answered as before; the same signed request later is a replay.
  if (!ctx.replays.admit(r.call_sid, request.target, request.body, ctx.now())) return reject(ctx, request, path, "replayed request", respond);
  if (field(query.value(), "event") == "status") {
    r.call_status = field(form.value(), "CallStatus");
    if (r.call_status.empty()) return respond(plain(400, "missing CallStatus\n"));
  }
  r.input = CallInput{field(query.value(), "node"), field(form.value(), "Digits"), field(form.value(), "SpeechResult")};
  std::erase(r.input.speech, '\0');  // a %00 in the form: never part of speech, and PostgreSQL's JSON refuses it
  r.action_base = vc.public_base_url + path;
  run_call_request(server, std::move(r), std::move(respond));
}

}  // namespace rc::voice
