// Chat protocol v1 (docs/protocol.md): parsing client messages and rendering server messages.
// Pure functions: the chat session does the I/O.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/engine.hpp"
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
struct ResumeMsg { std::string conversation, token; };
// Asks for a person (or, with cancel, stops asking / leaves the person). reason is optional free text.
struct HandoffMsg {
  std::string reason;
  bool cancel = false;
};
// A live message to the person who has the conversation.
struct ChatMsg { std::string text; };
// Phone calls (docs/protocol.md, "Phone calls"; parsed in protocol_call.cpp).
struct UrgentMsg {};
struct NoteMsg { std::string text; };
struct WrapUpMsg {
  bool outcome_confirmed = false;
  std::string code, note;  // empty when left out: the session says which is missing
};
using Command = std::variant<StartMsg, AnswerMsg, BackMsg, EndMsg, ResumeMsg, HandoffMsg, ChatMsg, UrgentMsg, NoteMsg, WrapUpMsg>;

struct Message {
  Command command;
  std::optional<std::string> ref;
  std::string text;    // the message as it will be logged: only the known fields (see canonical_text)
};

inline constexpr std::size_t kMaxTypedText = 2000;

// The message rebuilt from its parsed fields: what the log keeps. Unknown fields a client adds
// (which could carry identifying details) are dropped, and a resume token never appears.
std::string canonical_text(const Message& m);

struct Error {
  std::string code, message;
  std::optional<std::string> ref;
};

std::variant<Message, Error> parse_client_message(std::string_view text);

// Server messages. `ref` is echoed on direct replies when the client sent one.
nlohmann::json to_json(const Event& event, bool with_say);
nlohmann::json error_json(const std::string& code, const std::string& message);
// Adds ref (when there is one) and writes the message as one JSON text frame.
std::string serialise(nlohmann::json&& message, const std::optional<std::string>& ref);

// Adds the outcome summary to an outcome message: `summary` (plain text) and `summary_fields`.
void add_summary(nlohmann::json& outcome_message, const Summary& summary);
nlohmann::json summary_fields_json(const Summary& summary);

nlohmann::json contacts_json(const std::vector<ContactView>& contacts);

// Handoff messages (docs/protocol.md): {"type":"handoff","status":...,"reference":...}.
nlohmann::json handoff_json(const std::string& status, const std::string& reference);
nlohmann::json handoff_unavailable_json(const std::string& reference, const std::vector<ContactView>& contacts, bool urgent);
nlohmann::json staff_message_json(const std::string& name, const std::string& text);

bool is_known_channel(const std::string& channel);

// --- phone calls (protocol_call.cpp) ---
// The call messages (urgent, note, wrap_up): nullopt when `type` is not one of them.
std::optional<std::variant<Command, Error>> parse_call_command(const std::string& type, const nlohmann::json& j, const std::optional<std::string>& ref);
// How a call message is logged (the note and wrap-up note as given: the session redacts first).
nlohmann::json call_canonical_json(const UrgentMsg&);
nlohmann::json call_canonical_json(const NoteMsg& m);
nlohmann::json call_canonical_json(const WrapUpMsg& m);
// The codes a call can be wrapped up with, for the page's form.
nlohmann::json wrap_up_codes_json(const Catalogue& content);

}  // namespace rc::protocol
