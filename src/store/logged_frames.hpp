// The server's frames as a turn logged them, put back as they were sent. A frame the same in
// every conversation is logged as {"$template": id, "type": ..., and the conversation's own
// fields} (protocol/frame_memo.hpp); its template's body is kept once, in frame_templates. An
// outcome's summary is logged the same way, as "$summary": {"$template": id, its own members,
// "text": its own parts of the text}, the template holding the shared members and parts. Frames
// logged whole (before migration 020, and alerts, errors, live messages) pass unchanged.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "db.hpp"

namespace rc::store {

class LoggedFrameReader {
 public:
  explicit LoggedFrameReader(Db& db) : db_(db) {}

  // A logged array of frames with each template put back; anything else as it is. A template
  // the database does not hold leaves its frame as logged (the reader sees "$template").
  nlohmann::json expanded(nlohmann::json logged);
  // The same from and to text: byte for byte the frames as sent, and `logged` itself when it
  // names no template (most turns of an older log, and every message of a handoff).
  std::string expanded_text(const std::string& logged);

 private:
  const nlohmann::json* body(const std::string& id);
  bool put_summary_back(nlohmann::json& frame, nlohmann::json& logged);

  Db& db_;
  std::unordered_map<std::string, nlohmann::json> bodies_;  // read once per reader
};

}  // namespace rc::store
