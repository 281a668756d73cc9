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

struct StartMsg { std::string dialog, channel; };
struct AnswerMsg {
  std::string node;
  std::optional<std::string> option, text;
};
struct BackMsg {};
struct EndMsg {};
struct ResumeMsg { std::string conversation, token; };
using Command = std::variant<StartMsg, AnswerMsg, BackMsg, EndMsg, ResumeMsg>;

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

bool is_known_channel(const std::string& channel);

}  // namespace rc::protocol
