// One practitioner's conversation as the chat protocol sees it (docs/protocol.md), with no
// socket, no database and no clock: a parsed message and the time go in; a Turn comes out,
// saying what to write, what to send once it is written, and what to do after. The session
// (chat_session.cpp) carries the Turn out: it writes `record`, and only when the write is
// durable calls `committed(turn)`, sends the frames and runs the after-commit actions.
// So the rule "the turn is on disk before its reply" lives in one place, and every rule of
// the conversation can be driven by a unit test at engine speed.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/boxed.hpp"
#include "core/engine.hpp"
#include "core/guidance_source.hpp"
#include "metrics/metrics.hpp"
#include "protocol/frame_memo.hpp"
#include "protocol/protocol.hpp"
#include "store/conversation_log.hpp"

namespace rc {

class HandoffService;
struct HandoffNotice;

// The conversation's open handoff, as this connection knows it.
struct OpenHandoff {
  std::string reference, route, queue, staff_name;
  store::HandoffState status = store::HandoffState::requested;
  Millis since = 0;  // when it took its status (requested, accepted): the `at` of its handoff frame
  bool urgent = false, told_unavailable = false;
  Millis deadline = 0;
};

// A phone call: who took it, and whether it is wrapped up (it cannot be ended before).
struct PhoneCall {
  std::string staff_id, staff_name;
  bool wrapped_up = false;
};

// Where the live notices of a handoff go: the consoles of `queue` are told when the
// practitioner comes or goes.
struct HandoffPresence {
  std::string reference, queue;
};

// Typing notices are relayed at most this often per side (the console's too).
inline constexpr Millis kTypingEvery = 3000;

struct Turn {
  using Frames = std::vector<std::string>;  // serialised once: sent as they are and logged as an array

  std::optional<std::string> ref;         // the client's ref, for errors about this turn
  std::optional<store::Record> record;    // written first: nothing below happens unless it is durable
  std::function<void()> on_commit;        // moves the conversation on (runs before the frames go)
  Frames frames;
  std::optional<HandoffPresence> leave;   // stop following this handoff's live notices
  bool follow = false;                    // follow the open handoff now (and wait for its deadline)
  bool stop_deadline = false;             // someone accepted, or the practitioner was told
  std::function<void()> after;            // tells the handoff service, after the frames
  std::optional<std::string> only_while;  // a handoff reference: if it is no longer open once written, nothing above happens
  // I/O the conversation needs before it can answer; the session does it and calls back.
  // A resume names its token or, for a phone call, the staff member who took it (their staff
  // token checked first); with neither it is our own reload after another connection moved on.
  struct Load {
    std::string conversation_id;
    std::optional<std::string> token;     // checked against the stored hash
    std::optional<std::string> staff_id;  // must be the call's taker; the read is audited
    bool is_reload() const { return !token && !staff_id; }
  };
  std::optional<Load> load;                       // then on_loaded
  std::optional<protocol::Message> check_staff;   // a phone call's start or resume: check its staff token, then on_staff_checked
  bool prompted = true;  // a client message caused it: read the next one afterwards; reply server_busy if the write fails
  // A start's readable reference clashed with another conversation's (the write was refused with
  // WriteError::reference_taken): the same start again, with a new id, token and reference.
  std::function<Turn()> start_again;
};

class ChatConversation {
 public:
  // `handoffs` is null when the server runs without handoff: asking for a person is refused.
  // A resume token is good for `resume_window` from the conversation's start (retention.resume_token_hours).
  // `frames` holds the frames every conversation on a set shares (one per server).
  ChatConversation(const GuidanceSource& guidance, protocol::FrameMemo& frames, HandoffService* handoffs, Metrics& metrics,
                   Millis resume_window = 24LL * 3600 * 1000);

  Turn on_message(const protocol::Message& m, Millis now);
  // `asked` is the Turn that asked for the load or the check.
  Turn on_loaded(const Turn& asked, std::optional<store::StoredConversation> found, bool ok, Millis now);
  Turn on_staff_checked(const Turn& asked, std::optional<PhoneCall> taker, bool ok, Millis now);
  // The record was refused or failed: reload after another connection moved it on, else server_busy.
  Turn on_write_failed(const Turn& turn, const store::WriteResult& result);
  Turn on_handoff_notice(const HandoffNotice& notice);
  // The handoff's deadline passed with no one accepting.
  Turn on_deadline(const std::string& reference, Millis now);
  void committed(Turn& turn);

  bool active() const { return conv_.has_value(); }
  const std::string& id() const;
  const OpenHandoff* handoff() const { return conv_ && conv_->handoff ? &*conv_->handoff : nullptr; }
  // When to tell the practitioner no one is free, while a request waits.
  std::optional<Millis> deadline() const;

 private:
  // The columns a turn may set beside the state, as the log holds them (as last read or written;
  // "" for none, nullopt for not known). A turn names only those that changed: naming area or
  // work_area fires their triggers and moves their index entries on every turn (issue 18).
  struct Logged {
    std::optional<std::string> outcome_node = std::string(), area = std::string(), work_area = std::string(), agency = std::string();
    static Logged unknown() { return {std::nullopt, std::nullopt, std::nullopt, std::nullopt}; }
  };
  struct Conversation {
    std::string id;
    std::string reference;  // "EH-7KQ2-M9XD", what people read out; the id for conversations from before it
    const Dialog* dialog = nullptr;
    std::shared_ptr<const GuidanceSet> guidance;  // the set `dialog` is in, kept while it runs (a reload swaps the source)
    State state;
    std::string channel;
    std::int64_t revision = 0;  // as last read or written: writes are refused if another connection moved it on
    // Boxed: most conversations never have one, and every open connection holds its Conversation.
    Boxed<OpenHandoff> handoff;
    Boxed<PhoneCall> call;  // channel phone only
    Boxed<protocol::AboutMsg> about;  // what the practitioner said about themselves (none when not said)
    Logged logged;                  // at start all empty, as the new row has them
  };
  using Reply = std::vector<nlohmann::json>;
  using Frames = Turn::Frames;

  Turn start(const protocol::Message& m, const protocol::StartMsg& start, std::optional<PhoneCall> call, Millis now);
  Turn engine_input(const protocol::Message& m, const Input& input, const std::string& node, Millis now);
  Turn answer(const protocol::Message& m, const protocol::AnswerMsg& a, Millis now);
  Turn end(const protocol::Message& m, Millis now);
  Turn resume(const protocol::Message& m, const protocol::ResumeMsg& resume);
  // Handoff (chat_conversation_handoff.cpp).
  Turn handoff(const protocol::Message& m, const protocol::HandoffMsg& h, Millis now);
  Turn request_handoff(const protocol::Message& m, const std::string& reason, Millis now);
  Turn cancel_handoff(const protocol::Message& m, Millis now);
  Turn chat_message(const protocol::Message& m, const protocol::ChatMsg& msg, Millis now);
  // "typing" while a person has the conversation: relayed at most once per kTypingEvery, never logged or answered.
  Turn typing(Millis now);
  // An end or a new start leaves the person: adds the cancellation to `r` and to `t`.
  void cancel_into(store::Record& r, Turn& t, Millis now) const;
  nlohmann::json handoff_status_json(const OpenHandoff& h, const std::vector<store::StoredHandoff::LoggedFrames>& logged, Millis now) const;
  // Phone calls (chat_conversation_call.cpp).
  Turn note(const protocol::Message& m, const protocol::NoteMsg& note, Millis now);
  Turn wrap_up(const protocol::Message& m, const protocol::WrapUpMsg& w, Millis now);
  // About the practitioner (chat_conversation_about.cpp).
  Turn about(const protocol::Message& m, const protocol::AboutMsg& a, Millis now);
  std::optional<Turn> refuse_unwrapped_call(const protocol::Message& m) const;  // before end or a new start
  std::optional<Turn> refuse_after_wrap_up(const protocol::Message& m) const;   // the script is closed once wrapped up
  std::optional<Turn> refuse_unless_call(const protocol::Message& m) const;     // notes and wrap-up: phone calls only
  void add_call_fields(nlohmann::json& started_or_resumed, const Conversation& c) const;

  // Outcomes also carry the summary, made from the conversation's (redacted) state, id and time.
  Reply render(const std::vector<Event>& events, const Conversation& c) const;
  nlohmann::json render(const Event& event, const Conversation& c) const;
  // Frames as sent, and as logged: one the memo gives is logged by its template and its own fields.
  struct Shown {
    Frames frames;
    std::string logged;  // a JSON array, as log_of writes one
    std::vector<std::shared_ptr<const FrameTemplate>> templates;
  };
  // The engine's events as frames: those every conversation shares from the memo, the rest rendered.
  Shown frames_for(const std::vector<Event>& events, const Conversation& c, const std::optional<std::string>& ref) const;
  Reply current(const Conversation& c) const;
  static Frames frames_of(Reply&& messages, const std::optional<std::string>& ref);
  static std::string log_of(const Frames& frames);
  static Turn error(const std::optional<std::string>& ref, const std::string& code, const std::string& message);
  static Turn error(const protocol::Message& m, const std::string& code, const std::string& message) { return error(m.ref, code, message); }
  static void add_turns(store::Record& r, const Conversation& c, const std::string& node, const std::string& in, std::string out, Millis now);
  static void add_turns(store::Record& r, const Conversation& c, const std::string& node, const std::string& in, Shown& shown, Millis now);
  // The update for `c` now, naming only the columns that differ from `c.logged`.
  static store::ConversationUpdate update_for(const Conversation& c, Millis now);
  // After `u` is queued for `c`: what the log will hold once it commits.
  static void note_logged(Conversation& c, const store::ConversationUpdate& u);
  bool with_say() const { return conv_ && conv_->channel != "web"; }
  // Typed text the engine did not see (a handoff reason, a message, a note) raised alerts: log
  // them, and remember them in `c`'s state so every later outcome shows Duty and Advice.
  // The safety alert typed text raises, with the answers it may change (Dialog::safety_questions).
  std::vector<AlertEvent> alerts_in(const std::string& text) const;
  // A reload that left `c`'s dialog as it was (a content edit: a corrected number) applies to it
  // from its next message; one that changed the dialog does not, so no question changes under it.
  void follow_newer_content(Conversation& c) const;
  static void remember_typed_alerts(store::Record& r, Conversation& c, const std::vector<AlertEvent>& alerts, const char* source, Millis now);
  // Typed text outside the script (a message, a note, a wrap-up): logged, checked for alerts,
  // the conversation's state moved on by them alone. `frames` are what the practitioner sees.
  Turn typed_turn(const protocol::Message& logged, Frames frames, const std::vector<AlertEvent>& alerts, const char* source, Millis now);

  const GuidanceSource& source_;
  protocol::FrameMemo& frames_;
  HandoffService* handoffs_;
  Metrics& metrics_;
  Millis resume_window_;
  std::optional<Conversation> conv_;
  Millis typing_relayed_at_ = 0;
};

}  // namespace rc
