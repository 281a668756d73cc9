// See dialog_validator.hpp. Linear in nodes + options so a 10,000-node tree checks in milliseconds.
#include "dialog_validator.hpp"

#include <cctype>
#include <deque>
#include <unordered_map>

#include "text_match.hpp"

namespace rc {
namespace {

class Checker {
 public:
  Checker(const Dialog& d, const Catalogue& c) : d_(d), c_(c) {}

  Problems run() {
    check_header();
    check_duplicates();
    for (const auto& n : d_.nodes) check_node(n);
    check_graph();
    return std::move(out_);
  }

 private:
  void report(const Node& n, int line, const std::string& msg) { out_.push_back({Severity::error, d_.file, line ? line : n.line, n.id, msg}); }

  void check_header() {
    if (!d_.start.empty() && !d_.find(d_.start))
      out_.push_back({Severity::error, d_.file, 1, "", "start names unknown node \"" + d_.start + "\""});
    if (d_.nodes.empty()) out_.push_back({Severity::error, d_.file, 1, "", "the dialog has no nodes"});
    if (!d_.urgent.empty() && !d_.find(d_.urgent))
      out_.push_back({Severity::error, d_.file, d_.urgent_line ? d_.urgent_line : 1, "", "urgent names unknown node \"" + d_.urgent + "\""});
    if (!d_.on_disclosure.empty())
      check_disclosure_target(d_.on_disclosure, d_.on_disclosure_line ? d_.on_disclosure_line : 1, "");
    check_safety_questions();
  }

  // Each names a question; changing an answer goes through `urgent`, so the dialog needs one.
  void check_safety_questions() {
    const int line = d_.safety_questions_line ? d_.safety_questions_line : 1;
    if (!d_.safety_questions.empty() && d_.urgent.empty())
      out_.push_back({Severity::error, d_.file, line, "", "safety_questions needs urgent: changing a safety answer goes through it"});
    for (const auto& id : d_.safety_questions) {
      const Node* n = d_.find(id);
      if (!n) out_.push_back({Severity::error, d_.file, line, "", "safety_questions names unknown node \"" + id + "\""});
      else if (n->kind != NodeKind::question) out_.push_back({Severity::error, d_.file, line, id, "safety_questions: \"" + id + "\" is not a question with options"});
    }
  }

  // A disclosure goes to a question or an outcome: a text node there would take the next
  // disclosure round again, and an info node only postpones where it goes.
  void check_disclosure_target(const std::string& target, int line, const std::string& owner) {
    const Node* n = d_.find(target);
    if (!n)
      out_.push_back({Severity::error, d_.file, line, owner, "on_disclosure names unknown node \"" + target + "\""});
    else if (n->kind == NodeKind::text || n->kind == NodeKind::info)
      out_.push_back({Severity::error, d_.file, line, owner,
                      "on_disclosure must lead to a question or an outcome, not the " + std::string(to_string(n->kind)) + " node \"" + target + "\""});
  }

  // Free text with nowhere to go on a disclosure: the alert shows, then the conversation carries on.
  void check_text_node(const Node& n) {
    if (!n.on_disclosure.empty())
      check_disclosure_target(n.on_disclosure, n.on_disclosure_line ? n.on_disclosure_line : n.line, n.id);
    else if (d_.on_disclosure.empty())
      out_.push_back({Severity::warning, d_.file, n.line, n.id,
                      "free text here has no on_disclosure: a disclosure typed here raises the alert, then the conversation carries on"});
  }

  void check_duplicates() {
    std::unordered_map<std::string, const Node*> first;
    for (const auto& n : d_.nodes) {
      auto [it, fresh] = first.emplace(n.id, &n);
      if (!fresh) report(n, 0, "duplicate node id (first at line " + std::to_string(it->second->line) + ")");
    }
  }

  void check_reference(const Node& n, int line, const std::string& target, const char* what) {
    if (!target.empty() && !d_.find(target)) report(n, line, std::string(what) + " names unknown node \"" + target + "\"");
  }

  template <class Map>
  void check_content_refs(const Node& n, const std::vector<std::string>& ids, const Map& items, const char* kind) {
    for (const auto& id : ids)
      if (!items.count(id)) report(n, 0, std::string("refers to missing ") + kind + " \"" + id + "\" in content/");
  }

  static bool is_plain_id(const std::string& id) {
    for (char c : id)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    return !id.empty();
  }

  void check_node(const Node& n) {
    if (!n.id.empty() && !is_plain_id(n.id)) report(n, 0, "node id may use only letters, digits, _ and -");
    if (n.text.empty()) report(n, 0, "empty text");
    if (n.source.empty())
      report(n, 0, "missing source (name the guidance document this node follows)");
    else if (!c_.has_source(n.source))
      report(n, 0, "unknown source \"" + n.source + "\" (not in content/sources.yaml)");
    else
      check_node_quotes(n);
    check_filled(n);
    check_spoken(n);
    switch (n.kind) {
      case NodeKind::question: check_question(n); break;
      case NodeKind::text:
        check_reference(n, 0, n.next, "next");
        check_text_node(n);
        break;
      case NodeKind::info: check_reference(n, 0, n.next, "next"); break;
      case NodeKind::outcome: check_outcome(n); break;
    }
  }

  void check_node_quotes(const Node& n) {
    for (auto& p : check_quotes(n.quote, QuoteOwner{d_.file, n.line, n.id, n.source}, c_)) out_.push_back(std::move(p));
    const Source& src = c_.sources.at(n.source);
    if (n.quote.texts.empty() && !src.document.empty())
      out_.push_back({Severity::warning, d_.file, n.line, n.id, "no quote: add the words of " + n.source + " this node follows (quote:)"});
  }

  // Every "{contact.phone}" must name a detail that can be shown: a number is never printed
  // in a dialog, and a withheld one never reaches a user.
  void check_filled(const Node& n) {
    std::vector<const std::string*> texts{&n.text, &n.say, &n.help, &n.title};
    for (const auto& p : n.points) texts.push_back(&p);
    for (const std::string* t : texts)
      if (auto filled = fill_contact_details(*t, c_); !filled) report(n, 0, filled.error().message);
  }

  // Words that only make sense on a screen need a `say` for the phone line and voice.
  void check_spoken(const Node& n) {
    if (!n.say.empty()) return;
    const std::string text = lower(n.text + " " + n.title);
    for (const char* word : {"below", "above", "click", "tap ", "on screen", "this page", "link"})
      if (text.find(word) != std::string::npos) {
        out_.push_back({Severity::warning, d_.file, n.line, n.id, std::string("the text says \"") + word + "\", which a caller cannot see: give the node a say"});
        return;
      }
  }

  static std::string lower(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }

  void check_question(const Node& n) {
    if (n.options.size() < 2) report(n, 0, "a question needs at least two options");
    std::unordered_map<std::string, std::size_t> owner_of_phrase;  // phrase -> option position
    std::unordered_map<std::string, int> option_ids;
    for (std::size_t i = 0; i < n.options.size(); ++i) {
      const Option& o = n.options[i];
      if (!option_ids.emplace(o.id, o.line).second) report(n, o.line, "duplicate option id \"" + o.id + "\"");
      if (o.label.empty()) report(n, o.line, "option \"" + o.id + "\" has an empty label");
      check_reference(n, o.line, o.next, ("option \"" + o.id + "\" next").c_str());
      for (const auto& phrase : phrases_for(o, i + 1)) {
        if (phrase.empty()) continue;
        auto [it, fresh] = owner_of_phrase.emplace(phrase, i);
        if (!fresh && it->second != i)
          report(n, o.line, "synonym \"" + phrase + "\" of option \"" + o.id + "\" clashes with option \"" +
                                n.options[it->second].id + "\"");
      }
    }
  }

  void check_outcome(const Node& n) {
    if (n.outcome.empty() || !is_plain_id(n.outcome)) report(n, 0, "outcome code must be a plain id such as duty_and_advice");
    if (n.title.empty()) report(n, 0, "empty title");
    // The next step first, then a few points: more than three and the step is lost.
    if (n.points.size() > 3) report(n, 0, "at most three points (" + std::to_string(n.points.size()) + " given): fold the rest into guidance");
    for (const auto& p : n.points)
      if (p.empty()) report(n, 0, "empty point");
    check_content_refs(n, n.contacts, c_.contacts, "contact");
    check_content_refs(n, n.forms, c_.forms, "form");
    check_content_refs(n, n.guidance, c_.guidance, "guidance");
    check_content_refs(n, n.services, c_.services, "service");
    for (const auto& id : n.contacts) {
      auto it = c_.contacts.find(id);
      if (it != c_.contacts.end() && !it->second.optional && it->second.shown_phone().empty() && it->second.shown_email().empty())
        report(n, 0, "contact \"" + id + "\" has nothing that can be shown");
    }
  }

  std::vector<std::size_t> successors(const Node& n) const {
    std::vector<std::size_t> out;
    auto add = [&](const std::string& id) {
      auto it = d_.index.find(id);
      if (it != d_.index.end()) out.push_back(it->second);
    };
    if (n.kind == NodeKind::question)
      for (const auto& o : n.options) add(o.next);
    else if (n.kind != NodeKind::outcome)
      add(n.next);
    if (n.kind == NodeKind::text) add(n.on_disclosure.empty() ? d_.on_disclosure : n.on_disclosure);
    return out;
  }

  void check_graph() {
    const std::size_t count = d_.nodes.size();
    std::vector<std::vector<std::size_t>> preds(count);
    for (std::size_t i = 0; i < count; ++i)
      for (auto s : successors(d_.nodes[i])) preds[s].push_back(i);

    std::vector<char> reachable(count, 0), reaches_outcome(count, 0);
    std::deque<std::size_t> queue;
    // The urgent node is a second way in: Urgent jumps there from anywhere.
    for (const std::string* root : {&d_.start, &d_.urgent})
      if (auto it = d_.index.find(*root); it != d_.index.end() && !reachable[it->second]) {
        reachable[it->second] = 1;
        queue.push_back(it->second);
      }
    while (!queue.empty()) {
      auto i = queue.front();
      queue.pop_front();
      for (auto s : successors(d_.nodes[i]))
        if (!reachable[s]) reachable[s] = 1, queue.push_back(s);
    }
    for (std::size_t i = 0; i < count; ++i)
      if (d_.nodes[i].is_outcome()) reaches_outcome[i] = 1, queue.push_back(i);
    while (!queue.empty()) {
      auto i = queue.front();
      queue.pop_front();
      for (auto p : preds[i])
        if (!reaches_outcome[p]) reaches_outcome[p] = 1, queue.push_back(p);
    }
    for (std::size_t i = 0; i < count; ++i) {
      const Node& n = d_.nodes[i];
      if (d_.index.at(n.id) != i) continue;  // duplicate, already reported
      if (!reachable[i])
        report(n, 0, "unreachable: no path from start \"" + d_.start + "\" leads here");
      else if (!reaches_outcome[i])
        report(n, 0, "no path from here reaches an outcome (a dead end, or a cycle with no way out)");
    }
  }

  const Dialog& d_;
  const Catalogue& c_;
  Problems out_;
};

}  // namespace

Problems validate_dialog(const Dialog& dialog, const Catalogue& catalogue) { return Checker(dialog, catalogue).run(); }

}  // namespace rc
