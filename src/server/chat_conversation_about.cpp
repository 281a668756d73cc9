// The conversation's side of "about" (docs/protocol.md, "About the practitioner"): where the
// practitioner works and their agency, kept with the conversation. The dialog never reads them:
// they decide which hub's review sees the conversation (docs/staff-scope.md), not the route.
#include "chat_conversation.hpp"

namespace rc {

Turn ChatConversation::about(const protocol::Message& m, const protocol::AboutMsg& a, Millis now) {
  if (!conv_) return error(m, "no_conversation", "There is no conversation on this connection: send start or resume first.");
  Conversation next = *conv_;
  if (!next.about) next.about = protocol::AboutMsg{};
  if (!a.work_area.empty()) next.about->work_area = a.work_area;
  if (!a.agency.empty()) next.about->agency = a.agency;
  store::Record r;
  add_turns(r, next, next.state.current, m.text, log_of(frames_of({protocol::about_json(*next.about)}, m.ref)), now);
  r.updates.push_back(update_for(next, now));
  note_logged(next, r.updates.back());
  ++next.revision;
  Turn t;
  t.ref = m.ref;
  t.record = std::move(r);
  t.frames = frames_of({protocol::about_json(*next.about)}, m.ref);
  // Only these move: a handoff notice may have changed the rest while this was written.
  t.on_commit = [this, about = next.about, revision = next.revision, logged = next.logged] {
    conv_->about = about;
    conv_->revision = revision;
    conv_->logged = logged;
  };
  return t;
}

}  // namespace rc
