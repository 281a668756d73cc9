// One request of a call, decided: what the caller's key or words mean where the call is, what
// the engine makes of it, and what to say back. Pure: the endpoint loads the call before and
// stores it after. Keys: 1-9 choose, 0 repeats, * goes back; words are matched through the
// same synonyms as typed text, after the same safety check. Silence twice ends the call safely.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/engine.hpp"
#include "twiml.hpp"

namespace rc::voice {

// What the provider posted, and the node of the question it answers (from the action URL).
struct CallInput {
  std::string node;    // "" for the call's first request
  std::string digits;  // Digits
  std::string speech;  // SpeechResult
};

struct CallState {
  State state;
  int no_input = 0;  // empty answers in a row
};

enum class Move {
  answer,        // an input for rc::advance
  repeat,        // 0, or "repeat": the same question again, with its help
  rejoin,        // the first request again (the provider retried it): the 999 line and where the call is
  stale,         // an answer to a question the call has moved past (a retried request): where it is now
  no_input,      // silence: ask again
  safe_ending,   // silence a second time: read the numbers and hang up
  not_a_choice,  // a key that picks nothing here
  dial,          // at an outcome, a key that puts the caller through to a checked number
};

struct Decision {
  Move move = Move::answer;
  std::optional<Input> input;   // for Move::answer
  std::size_t dial_index = 0;   // for Move::dial: which of the outcome's dialable contacts
  nlohmann::json logged;        // the caller's input as the log keeps it (speech redacted)
};

// Empty answers in a row that end the call.
inline constexpr int kSilencesBeforeEnding = 2;
// Longest speech result kept (the chat's typed-answer limit).
inline constexpr std::size_t kMaxSpeech = 2000;

Decision decide(const Dialog& dialog, const Catalogue& content, const CallState& call, const CallInput& in, bool can_dial);

struct CallTurn {
  CallState next;
  VoiceReply reply;
  nlohmann::json logged_in;  // see Decision::logged
  bool ends_call = false;    // the conversation ends with this reply (safe ending, or put through)
};

// A new call: the 999 line first, then the dialog from its start. `notice`, when given, is said
// before the 999 line (why the call starts again).
CallTurn start_call(const Dialog& dialog, const Catalogue& content, Millis now, const std::string& notice = {});
// A request of a call under way.
CallTurn take_turn(const Dialog& dialog, const Catalogue& content, const CallState& call, const CallInput& in, bool can_dial, Millis now);

// "If a child is in immediate danger, hang up and call 9 9 9 now.", with the emergency number
// from the content's safety contacts.
std::string opening_line(const Catalogue& content);
// The safety contacts with a checked detail: read in the safe ending.
std::vector<ContactView> ending_contacts(const Catalogue& content);

}  // namespace rc::voice
