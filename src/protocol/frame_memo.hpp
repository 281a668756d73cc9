// The frames whose text is the same in every conversation on one guidance set (a question, an
// information step, an outcome's guidance and contacts), written once per set as a template
// with holes for the fields of the conversation at hand (its ref, an outcome's summary), then
// filled on each turn: byte for byte what building the JSON and serialising it writes, without
// doing that again on every turn (bench/README.md, issue 18). Each frame comes with the form the
// log keeps: its template's id and its own fields only (store/logged_frames.hpp puts it back
// together). Shared by the I/O threads.
#pragma once
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/engine.hpp"
#include "core/outcome_summary.hpp"
#include "core/frame_template.hpp"
#include "core/guidance_set.hpp"

namespace rc::protocol {

class FrameMemo {
 public:
  // A conversation's own fields of a frame: each name with its value as JSON text (written as
  // nlohmann writes it: json_string, summary_member_texts). A field left out is not in the frame.
  using Fields = std::vector<std::pair<std::string, std::string>>;

  struct Filled {
    std::string frame;   // as sent
    std::string logged;  // as logged: {"$template":id,"type":...} and `fields`
    std::shared_ptr<const FrameTemplate> logged_template;  // what `logged` names
  };

  // The frame for `event` of `dialog_id` on `set`, as to_json(event, with_say) with `fields`
  // added and serialised; nullopt for an event whose text is not the same in every conversation
  // (alerts, errors, matches). The log's form has `logged_fields` instead, when given.
  std::optional<Filled> frame(const std::shared_ptr<const GuidanceSet>& set, const std::string& dialog_id, const Event& event,
                              bool with_say, const Fields& fields, const Fields* logged_fields = nullptr);

  // An outcome's summary as sent ("summary" and "summary_fields") and as logged: "$summary",
  // {"$template": id, the conversation's own members, "text": its own parts of the text}, the
  // template {"fields": the shared members, "text": the shared parts} kept once whoever reaches
  // the outcome (store/logged_frames.hpp puts the two back). No fields when there is no summary.
  struct SummaryFields {
    Fields sent, logged;
    std::shared_ptr<const FrameTemplate> shared;
  };
  SummaryFields summary_fields(const Summary& summary);

  // Sets whose frames are held: a retired set's stop counting once it is freed, and go at the
  // next frame written for any set (a reload's new set writes its first at once).
  std::size_t sets_held() const;

 private:
  // The frame's text cut at its holes: pieces.size() == holes.size() + 1.
  struct Template {
    std::vector<std::string> pieces;
    std::vector<std::size_t> holes;  // for each hole in text order, its index in Fields
    std::shared_ptr<const FrameTemplate> logged;  // the text without the fields
    std::string logged_head;                      // {"$template":"<id>","type":"<type>"
  };
  struct PerSet {
    std::weak_ptr<const GuidanceSet> set;  // compared by owner: never confused with a later set at the same address
    std::unordered_map<std::string, Template> frames;
  };

  static std::optional<Template> template_of(const Event& event, bool with_say, const Fields& fields);
  static Filled filled(const Template& t, const Fields& fields, const Fields& logged_fields);
  std::shared_ptr<const FrameTemplate> summary_template(std::string body);
  PerSet* per_set_locked(const std::shared_ptr<const GuidanceSet>& set);

  mutable std::shared_mutex mutex_;
  std::vector<PerSet> sets_;  // the current set and the few retired ones still in use
  // The summaries' shared parts by their text: found by what they are, not by what made them.
  std::unordered_map<std::string_view, std::shared_ptr<const FrameTemplate>> summaries_;  // keys view the bodies
};

}  // namespace rc::protocol
