// How a write ended: committed, refused for a reason the caller expects and answers (a stale
// revision, a handoff someone else took, a repeated callback...), or failed in the database.
// Jobs refuse by throwing Refusal; the writer turns it, or any other error, into a WriteResult.
#pragma once
#include <stdexcept>
#include <string>

namespace rc::store {

enum class WriteError {
  none,
  conflict,            // a ConversationUpdate's expected revision was stale: the conversation moved on elsewhere
  handoff_stale,       // a HandoffChange found the handoff in another state (someone accepted it first)
  handoff_open,        // the conversation already has an open handoff
  duplicate_callback,  // a connector's callback was already applied
  already_wrapped_up,  // a phone call's wrap-up was already written
  reference_taken,     // a new conversation's readable reference is another's: make a new one and write again
  refused,             // a domain rule said no: `code` says which (handoff control: "not_waiting"...)
  failed,              // the database failed: logged as an error
};

struct WriteResult {
  WriteError error = WriteError::none;
  std::string code;     // refused: the rule's code
  std::string message;  // for people and logs

  bool ok() const { return error == WriteError::none; }
  // A refusal is an answer, not a fault: not logged as a database error, not a write failure.
  bool refused() const { return error != WriteError::none && error != WriteError::failed; }
};

// Thrown inside a write job to refuse it: the job's transaction rolls back and its caller gets
// the WriteResult.
class Refusal : public std::runtime_error {
 public:
  Refusal(WriteError error, const std::string& message, std::string code = {})
      : std::runtime_error(message), error_(error), code_(std::move(code)) {}
  WriteError error() const { return error_; }
  const std::string& code() const { return code_; }

 private:
  WriteError error_;
  std::string code_;
};

}  // namespace rc::store
