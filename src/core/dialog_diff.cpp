// See dialog_diff.hpp.
#include "dialog_diff.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "answer_words.hpp"

namespace rc {
namespace {

using Answers = std::map<std::string, std::string>;  // question id -> option id

std::string was_in_words(const Dialog& d, const PathEnd& e);

struct Walk {
  std::vector<std::pair<std::string, std::string>> steps;  // (node, option); option empty for typed text
  std::string needs;  // a question the answers do not cover yet
  PathEnd end;
};

// Follows the answers through one version until an outcome, an unanswered question, a loop,
// an answer that version does not offer, or a missing node.
Walk walk_with(const Dialog& d, const Answers& answers) {
  Walk w;
  std::set<std::string> seen;
  std::string id = d.start;
  for (;;) {
    const Node* n = d.find(id);
    if (!n) {
      w.end = {PathEnd::Kind::broken, id, {}, {}};
      return w;
    }
    if (!seen.insert(id).second) {
      w.end = {PathEnd::Kind::loops, id, {}, {}};
      return w;
    }
    switch (n->kind) {
      case NodeKind::info: id = n->next; break;
      case NodeKind::text:
        w.steps.push_back({id, {}});
        id = n->next;
        break;
      case NodeKind::outcome:
        w.end = {PathEnd::Kind::outcome, id, n->outcome, {}};
        return w;
      case NodeKind::question: {
        auto a = answers.find(id);
        if (a == answers.end()) {
          w.needs = id;
          return w;
        }
        auto o = std::find_if(n->options.begin(), n->options.end(), [&](const Option& o) { return o.id == a->second; });
        if (o == n->options.end()) {
          w.end = {PathEnd::Kind::not_offered, id, {}, a->second};
          return w;
        }
        w.steps.push_back({id, o->id});
        id = o->next;
        break;
      }
    }
  }
}

std::vector<std::string> option_ids(const Dialog& d, const std::string& node) {
  std::vector<std::string> out;
  if (const Node* n = d.find(node); n && n->kind == NodeKind::question)
    for (const auto& o : n->options) out.push_back(o.id);
  return out;
}

class JointWalk {
 public:
  JointWalk(const Dialog& before, const Dialog& after, std::size_t max_paths, DialogDiff& out)
      : before_(before), after_(after), max_paths_(max_paths), budget_(max_paths * 16 + 1000), out_(out) {}

  void explore() {
    if (out_.truncated) return;
    if (budget_-- == 0) {
      out_.truncated = true;
      return;
    }
    const Walk b = walk_with(before_, answers_), a = walk_with(after_, answers_);
    const std::string q = !b.needs.empty() ? b.needs : a.needs;
    if (!q.empty()) {
      for (const auto& option : options_for(q)) {
        answers_[q] = option;
        explore();
        answers_.erase(q);
      }
      return;
    }
    if (b.end.kind == PathEnd::Kind::loops && a.end.kind == PathEnd::Kind::loops) return;  // no outcome either way
    if (out_.paths_compared++ >= max_paths_) {
      out_.truncated = true;
      return;
    }
    if (!(b.end == a.end)) record(b, a);
  }

 private:
  // The question's options in the old order, then any the new version added.
  std::vector<std::string> options_for(const std::string& q) const {
    auto ids = option_ids(before_, q);
    for (auto& id : option_ids(after_, q))
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    return ids;
  }

  std::string step_words(const std::pair<std::string, std::string>& s) const {
    if (s.second.empty()) return typed_in_words(s.first, {}, false);
    const Node* n = after_.find(s.first);
    const bool in_after = n && std::any_of(n->options.begin(), n->options.end(), [&](const Option& o) { return o.id == s.second; });
    return answer_in_words(in_after ? after_ : before_, s.first, s.second);
  }

  void record(const Walk& b, const Walk& a) {
    ChangedPath p;
    std::set<std::string> asked;
    for (const auto& s : a.steps) {
      asked.insert(s.first);
      p.steps.push_back(step_words(s));
    }
    for (const auto& s : b.steps)  // questions only the old version asked
      if (!asked.count(s.first)) p.steps.push_back(step_words(s) + " (old version only)");
    p.was = b.end;
    p.now = a.end;
    p.path = join_steps(p.steps);
    p.change = "now " + end_in_words(after_, a.end) + ", was " + was_in_words(before_, b.end);
    out_.changed_paths.push_back(std::move(p));
  }

  const Dialog& before_;
  const Dialog& after_;
  std::size_t max_paths_, budget_;
  DialogDiff& out_;
  Answers answers_;
};

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string listed(const std::vector<std::string>& ids) {
  std::string s = "[";
  for (const auto& id : ids) s += (s.size() > 1 ? ", " : "") + id;
  return s + "]";
}

std::string summary(const Node& n) {
  std::string s = std::string(to_string(n.kind));
  if (n.is_outcome()) s += " " + n.outcome;
  const std::string& words = n.is_outcome() && !n.title.empty() ? n.title : n.text;
  return words.empty() ? s : s + ": " + quoted(words);
}

std::string quoted_list(const std::vector<std::string>& texts) {
  std::string s = "[";
  for (const auto& t : texts) s += (s.size() > 1 ? ", " : "") + quoted(t);
  return s + "]";
}

class NodeComparer {
 public:
  explicit NodeComparer(DialogDiff& out) : out_(out) {}

  void compare(const Node& b, const Node& a) {
    if (b.kind != a.kind) {
      change(a.id, std::string("was a ") + to_string(b.kind) + ", now a " + to_string(a.kind));
      return;
    }
    reword(a.id, "text", b.text, a.text);
    reword(a.id, "say", b.say, a.say);
    reword(a.id, "help", b.help, a.help);
    if (b.source != a.source) change(a.id, "source " + quoted(b.source) + " -> " + quoted(a.source));
    if (b.quote.texts != a.quote.texts) change(a.id, "quotes now " + quoted_list(a.quote.texts) + ", was " + quoted_list(b.quote.texts));
    if (b.next != a.next) change(a.id, "now goes on to " + a.next + ", was " + b.next);
    if (b.fact != a.fact) change(a.id, "keeps the typed answer as " + quoted(a.fact) + ", was " + quoted(b.fact));
    if (a.kind == NodeKind::question) compare_options(b, a);
    if (a.kind == NodeKind::outcome) compare_outcomes(b, a);
  }

 private:
  void change(const std::string& node, std::string what) { out_.changed.push_back({node, std::move(what)}); }

  void reword(const std::string& node, const std::string& field, const std::string& was, const std::string& now) {
    if (was != now) out_.reworded.push_back({node, field + ": " + quoted(was) + " -> " + quoted(now)});
  }

  void compare_options(const Node& b, const Node& a) {
    for (const auto& o : b.options) {
      auto it = std::find_if(a.options.begin(), a.options.end(), [&](const Option& x) { return x.id == o.id; });
      if (it == a.options.end()) {
        change(a.id, "answer " + o.id + " " + quoted(o.label) + " removed");
        continue;
      }
      reword(a.id, "answer " + o.id + " label", o.label, it->label);
      reword(a.id, "answer " + o.id + " say", o.say, it->say);
      if (o.next != it->next) change(a.id, "answer " + o.id + " now leads to " + it->next + ", was " + o.next);
      if (o.sets != it->sets) change(a.id, "answer " + o.id + " records different facts");
      if (o.synonyms != it->synonyms) change(a.id, "answer " + o.id + " matches different typed words");
    }
    for (const auto& o : a.options)
      if (std::none_of(b.options.begin(), b.options.end(), [&](const Option& x) { return x.id == o.id; }))
        change(a.id, "answer " + o.id + " " + quoted(o.label) + " added, leading to " + o.next);
  }

  void compare_outcomes(const Node& b, const Node& a) {
    if (b.outcome != a.outcome) change(a.id, "outcome code now " + a.outcome + ", was " + b.outcome);
    reword(a.id, "title", b.title, a.title);
    const std::size_t points = std::max(b.points.size(), a.points.size());
    for (std::size_t i = 0; i < points; ++i)
      reword(a.id, "point " + std::to_string(i + 1), i < b.points.size() ? b.points[i] : std::string(), i < a.points.size() ? a.points[i] : std::string());
    if (b.come_back != a.come_back) change(a.id, a.come_back ? "now offers a link to come back to it" : "no longer offers a link to come back to it");
    auto lists = [&](const char* what, const std::vector<std::string>& was, const std::vector<std::string>& now) {
      if (was != now) change(a.id, std::string(what) + " now " + listed(now) + ", was " + listed(was));
    };
    lists("contacts", b.contacts, a.contacts);
    lists("forms", b.forms, a.forms);
    lists("guidance", b.guidance, a.guidance);
    lists("services", b.services, a.services);
    if (b.handoff != a.handoff) change(a.id, a.handoff ? "now offers talking to a person" : "no longer offers talking to a person");
  }

  DialogDiff& out_;
};

}  // namespace

std::string end_in_words(const Dialog& d, const PathEnd& e) {
  switch (e.kind) {
    case PathEnd::Kind::outcome: return "ends at " + node_in_words(d, e.node);
    case PathEnd::Kind::loops: return "goes back round to " + e.node + " without an outcome";
    case PathEnd::Kind::not_offered: return "cannot go on: " + e.node + " has no answer " + quoted(e.option);
    case PathEnd::Kind::broken: return "breaks: there is no node " + quoted(e.node);
  }
  return "?";
}

namespace {

// The old end, to follow "was".
std::string was_in_words(const Dialog& d, const PathEnd& e) {
  switch (e.kind) {
    case PathEnd::Kind::outcome: return node_in_words(d, e.node);
    case PathEnd::Kind::loops: return "going back round to " + e.node + " without an outcome";
    case PathEnd::Kind::not_offered: return "not possible (" + e.node + " had no answer " + quoted(e.option) + ")";
    case PathEnd::Kind::broken: return "broken (there was no node " + quoted(e.node) + ")";
  }
  return "?";
}

}  // namespace

DialogDiff diff_dialogs(const Dialog& before, const Dialog& after, std::size_t max_paths) {
  DialogDiff out;
  if (before.start != after.start) out.changed.push_back({"(start)", "now starts at " + after.start + ", was " + before.start});
  if (before.urgent != after.urgent)  // where the phone line's Urgent goes
    out.changed.push_back({"(urgent)", "Urgent now goes to " + (after.urgent.empty() ? std::string("nowhere") : after.urgent) + ", was " +
                                           (before.urgent.empty() ? std::string("nowhere") : before.urgent)});
  NodeComparer comparer(out);
  for (const auto& n : after.nodes) {
    if (const Node* b = before.find(n.id)) comparer.compare(*b, n);
    else out.added.push_back({n.id, summary(n)});
  }
  for (const auto& n : before.nodes)
    if (!after.find(n.id)) out.removed.push_back({n.id, summary(n)});
  JointWalk(before, after, max_paths, out).explore();
  return out;
}

}  // namespace rc
