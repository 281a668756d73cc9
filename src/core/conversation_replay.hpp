// Re-runs the client messages of logged conversations against a candidate dialog, to see
// how many would now end differently. Pure: the store reads the log, `rightconv replay` prints.
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "dialog.hpp"

namespace rc {

struct LoggedConversation {
  std::string id;
  std::string dialog_version;  // content hash of the dialog it ran on
  std::string state;           // the engine state it ended in, as logged (JSON)
  std::string outcome;         // the logged outcome code, if any
  std::vector<std::string> client_messages;  // the 'in' turns, oldest first, as JSON text
};

// Where a conversation ends: at an outcome, or waiting at a question.
struct ReplayEnd {
  bool finished = false;
  std::string node;  // the outcome node, or the node it stopped at ("" before it started)
  std::string code;  // outcome code, when finished

  bool operator==(const ReplayEnd& other) const { return finished == other.finished && node == other.node && code == other.code; }
};

// Feeds the messages to the engine as the server did: start, answer (option or text), back;
// `end` stops. Messages the engine rejects (a stale answer) are rejected again and change nothing.
ReplayEnd replay_messages(const Dialog& dialog, const std::vector<std::string>& client_messages);

// "hub_east \"Title\" (hub_request_east)" or "no outcome, stopped at harm".
std::string end_in_words(const Dialog* dialog, const ReplayEnd& end);

struct ReplayGroup {
  std::string was, now;  // in words
  std::size_t count = 0;
  std::vector<std::string> examples;  // conversation ids
};

struct ReplayReport {
  std::size_t replayed = 0, same = 0, different = 0;
  std::size_t unreadable = 0;      // logged state not readable: left out
  std::size_t not_reproduced = 0;  // replaying on its own version did not give the logged end
  std::vector<std::string> not_reproduced_examples;
  std::vector<ReplayGroup> groups;  // was -> now, most conversations first
};

// `versions`: dialog versions the conversations ran on, by content hash (for words, and to
// check the replay reproduces the log); conversations on a version not given are still replayed.
ReplayReport replay_conversations(const Dialog& candidate, const std::vector<LoggedConversation>& conversations,
                                  const std::map<std::string, Dialog>& versions, std::size_t examples_per_group = 3);

}  // namespace rc
