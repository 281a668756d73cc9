// Chat protocol v1 (docs/protocol.md): parsing client messages and rendering server messages.
// Pure functions: the chat session does the I/O.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/engine.hpp"
#include "core/json_writer.hpp"
#include "core/outcome_summary.hpp"

namespace rc::protocol {

struct StartMsg {
  std::string dialog, channel;
  std::optional<std::string> staff_token;  // required on phone; never logged
};
struct AnswerMsg {
  std::string node;
  std::optional<std::string> option, text;
};
struct BackMsg {};
struct EndMsg {};
// Either the conversation's resume token, or (a phone call) the staff token of the member of
// staff who took it: the call page finds its open calls on the server, not in the browser.
struct ResumeMsg {
  std::string conversation;
  std::optional<std::string> token, staff_token;  // exactly one; never logged
};
// Asks for a person (or, with cancel, stops asking / leaves the person). reason is optional free text.
struct HandoffMsg {
  std::string reason;
  bool cancel = false;
};
// A live message to the person who has the conversation.
struct ChatMsg { std::string text; };
// The practitioner is typing to the person who has the conversation: relayed, never logged.
struct TypingMsg {};
// Phone calls (docs/protocol.md, "Phone calls"; parsed in protocol_call.cpp).
struct UrgentMsg {};
struct NoteMsg { std::string text; };
struct WrapUpMsg {
  bool outcome_confirmed = false;
  std::string code, note;  // empty when left out: the session says which is missing
  std::optional<std::string> caller_role;  // one of caller_roles(), when the worker said
  std::optional<bool> callback_promised;
};
// What the practitioner says about themselves (protocol_about.cpp): where they work and their
// agency, both optional, either "unsaid" for "prefer not to say". Empty when left out.
struct AboutMsg { std::string work_area, agency; };
using Command = std::variant<StartMsg, AnswerMsg, BackMsg, EndMsg, ResumeMsg, HandoffMsg, ChatMsg, TypingMsg, UrgentMsg, NoteMsg, WrapUpMsg, AboutMsg>;

struct Message {
  Command command;
  std::optional<std::string> ref;
  std::string text;    // the message as it will be logged: only the known fields (see canonical_text)
};

inline constexpr std::size_t kMaxTypedText = 2000;

// The message rebuilt from its parsed fields: what the log keeps. Unknown fields a client adds
// (which could carry identifying details) are dropped, and a resume token never appears.
std::string canonical_text(const Message& m);
// The same built as a tree and dumped: what canonical_text writes directly for the common types.
std::string canonical_tree_text(const Message& m);

struct Error {
  std::string code, message;
  std::optional<std::string> ref;
};

std::variant<Message, Error> parse_client_message(std::string_view text);
// The same through a parsed tree, which parse_client_message uses for the less common types (a
// phone call's, about) and for what is not a well-formed object; tests hold the two equal.
std::variant<Message, Error> parse_client_message_tree(std::string_view text);

// Server messages. `ref` is echoed on direct replies when the client sent one.
nlohmann::json to_json(const Event& event, bool with_say);
nlohmann::json error_json(const std::string& code, const std::string& message);
// Adds ref (when there is one) and writes the message as one JSON text frame.
std::string serialise(nlohmann::json&& message, const std::optional<std::string>& ref);

// The `started` frame of a web chat (a call adds its own fields: that one goes through the tree),
// written without a tree: byte for byte serialise(started_json(...), ref), once per conversation.
struct StartedFields {
  std::string_view conversation, reference, token, dialog, version;
};
nlohmann::json started_json(const StartedFields& f);
std::string started_text(const StartedFields& f, const std::optional<std::string>& ref);

// Adds the outcome summary to an outcome message: `summary` (plain text) and `summary_fields`.
void add_summary(nlohmann::json& outcome_message, const Summary& summary);
// The same as members, none when there is no summary.
std::vector<std::pair<std::string, nlohmann::json>> summary_members(const Summary& summary);
// The same members as JSON text, written without a tree (for the frame memo to fill in): byte
// for byte what dumping summary_members' values gives.
std::vector<std::pair<std::string, std::string>> summary_member_texts(const Summary& summary);
std::string summary_fields_text(const Summary& summary);
// Which members of the summary fields: those every conversation reaching the outcome shares
// (advice, contacts, forms, guidance, heading, layout, node, outcome, points, sources, title),
// or the conversation's own (answers, date, reference, safety_alert, sections, time_utc).
enum class SummaryPart { all, shared, own };
// Those members into an object `w` has open, as summary_fields_text writes them.
void write_summary_members(JsonWriter& w, const Summary& summary, SummaryPart part);
// Every member's value as JSON text, in key order: each written once, for the frame memo to
// put together as sent and as logged.
struct SummaryMemberText {
  std::string_view name;
  bool shared;
  std::string value;
};
std::vector<SummaryMemberText> summary_member_values(const Summary& summary);
// `text` as a JSON string, as nlohmann writes it (invalid UTF-8 replaced by U+FFFD).
std::string json_string(std::string_view text);
nlohmann::json summary_fields_json(const Summary& summary);
// The answered path on resume: the summary's answers (summary_answers), each with when it was
// answered (`at`, when known), the typed words taken as an option (`typed_text`), and `alert`.
nlohmann::json history_json(const std::vector<SummaryAnswer>& answers);

nlohmann::json contacts_json(const std::vector<ContactView>& contacts);

// Handoff messages (docs/protocol.md): {"type":"handoff","status":...,"reference":...,"at":...}.
// `at` is the logged time of the status or message, written as ISO 8601 UTC.
nlohmann::json handoff_json(const std::string& status, const std::string& reference, Millis at);
nlohmann::json handoff_unavailable_json(const std::string& reference, const std::vector<ContactView>& contacts, bool urgent, Millis at);
nlohmann::json staff_message_json(const std::string& name, const std::string& text, Millis at);
// The echo of the practitioner's own message, as logged (redacted).
nlohmann::json practitioner_message_json(const std::string& text, Millis at);

bool is_known_channel(const std::string& channel);

// --- phone calls (protocol_call.cpp) ---
// The call messages (urgent, note, wrap_up): nullopt when `type` is not one of them.
std::optional<std::variant<Command, Error>> parse_call_command(const std::string& type, const nlohmann::json& j, const std::optional<std::string>& ref);
// How a call message is logged (the note and wrap-up note as given: the session redacts first).
nlohmann::json call_canonical_json(const UrgentMsg&);
nlohmann::json call_canonical_json(const NoteMsg& m);
nlohmann::json call_canonical_json(const WrapUpMsg& m);
// --- about the practitioner (protocol_about.cpp) ---
std::optional<std::variant<Command, Error>> parse_about_command(const std::string& type, const nlohmann::json& j, const std::optional<std::string>& ref);
nlohmann::json about_json(const AboutMsg& m);  // as logged, and as echoed ({"type":"about",...})
bool is_work_area(const std::string& v);
bool is_agency(const std::string& v);

// The codes a call can be wrapped up with, for the page's form.
nlohmann::json wrap_up_codes_json(const Catalogue& content);
// Who a caller may be, for the wrap-up's optional caller_role: {"id","label"} pairs. A fixed list,
// because reports count by it.
const nlohmann::json& caller_roles_json();
// The staff token a start or resume carries, empty when none.
std::string staff_token_of(const Message& m);

// --- the staff console (protocol_console.cpp) ---
// The canned replies (content/canned_replies.yaml) with their contact details filled, in file
// order, for the console's "ready" frame. A reply that cannot be filled is left out (the
// content check refuses it before the server starts).
nlohmann::json canned_replies_json(const Catalogue& content);
// "typing" both ways: to the practitioner ({"type":"typing","name":...}) and to the console.
nlohmann::json typing_json(const std::string& name);

}  // namespace rc::protocol
