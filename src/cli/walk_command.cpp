// rightconv walk: runs a dialog in the terminal, for authors (and as a demo without a server).
#include <chrono>
#include <istream>
#include <ostream>

#include "commands.hpp"
#include "core/engine.hpp"
#include "data_paths.hpp"
#include "guidance_options.hpp"
#include "wall_clock.hpp"

namespace rc::cli {
namespace {

void print_contacts(const std::vector<ContactView>& contacts, std::ostream& out) {
  for (const auto& c : contacts) {
    out << "    - " << c.name;
    if (!c.phone.empty()) out << "  tel: " << c.phone;
    if (!c.email.empty()) out << "  email: " << c.email;
    out << "\n";
    if (!c.note.empty()) out << "      " << c.note << "\n";
  }
}

struct Printer {
  std::ostream& out;
  bool phone;  // show the read-aloud wording where there is one

  const std::string& words(const std::string& text, const std::string& say) const { return phone && !say.empty() ? say : text; }

  void operator()(const PromptEvent& p) const {
    out << "\n" << words(p.text, p.say) << "\n";
    if (!p.help.empty()) out << "  (" << p.help << ")\n";
    for (std::size_t i = 0; i < p.options.size(); ++i) out << "  " << i + 1 << ". " << p.options[i].label << "\n";
    out << (p.free_text ? "Type your answer" : "Choose a number or type an answer") << (p.can_go_back ? ", 'back' to go back" : "")
        << ", 'restart' or 'quit'.\n";
  }
  void operator()(const InfoEvent& i) const { out << "\n[i] " << words(i.text, i.say) << "\n"; }
  void operator()(const OutcomeEvent& o) const {
    out << "\n=== " << o.title << " [" << o.code << "] ===\n" << words(o.text, o.say) << "\n";
    if (!o.contacts.empty()) {
      out << "  Contacts:\n";
      print_contacts(o.contacts, out);
    }
    for (const auto& f : o.forms) out << "  Form: " << f.name << "\n";
    for (const auto& g : o.guidance) out << "  * " << g.title << ": " << g.text << "\n";
    if (o.handoff_available) out << "  (You can ask to talk to a person about this.)\n";
    out << "Type 'back' to change an answer, 'restart' or 'quit'.\n";
  }
  void operator()(const AlertEvent& a) const {
    out << "\n!!! URGENT !!! " << words(a.text, a.say) << "\n";
    print_contacts(a.contacts, out);
  }
  void operator()(const ErrorEvent& e) const { out << "\n(" << e.message << ")\n"; }
  void operator()(const MatchedEvent& m) const { out << "\n(Taken as: " << m.label << ")\n"; }
};

}  // namespace

int walk_command(const Args& given, std::istream& in, std::ostream& out, std::ostream& err) {
  Args args = given;
  GuidanceOptions opts;
  if (!take_guidance_options(args, opts, err)) return kUsage;
  bool phone = false;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      out << "usage: rightconv walk DIALOG_FILE [--phone] [--config FILE] [--content DIR]\n"
             "Runs the dialog in the terminal: answer with an option's number or words, 'back', 'restart', 'quit'.\n"
             "  --phone   show the wording phone-line staff read aloud\n";
      return kOk;
    }
    if (a == "--phone") phone = true;
    else if (a.rfind("--", 0) == 0) {
      err << "walk: unknown option " << a << "\n";
      return kUsage;
    } else opts.dialog_paths.push_back(a);
  }
  if (opts.dialog_paths.empty()) opts.dialog_paths.push_back(default_data_paths().dialogs + "/early-help.yaml");
  auto g = load_guidance_for(opts, err);
  if (!g) return kProblems;
  if (has_errors(g->problems) || g->dialogs.empty()) {
    for (const auto& p : g->problems)
      if (p.severity == Severity::error) err << p.describe() << "\n";
    err << "walk: fix these problems first (rightconv check)\n";
    return kProblems;
  }
  const Dialog& dialog = g->dialogs.front();
  const Printer print{out, phone};
  out << dialog.title << " (" << dialog.id << " " << dialog.version << ", " << dialog.content_hash << ")\n";
  Step step = advance(dialog, g->content, State{}, StartInput{}, wall_clock_ms());
  for (;;) {
    for (const auto& e : step.events) std::visit(print, e);
    out << "> " << std::flush;
    std::string line;
    if (!std::getline(in, line) || line == "quit") break;
    Input input;
    if (line == "back") input = BackInput{};
    else if (line == "restart") input = RestartInput{};
    else input = TypeInput{step.state.current, line};
    step = advance(dialog, g->content, std::move(step.state), input, wall_clock_ms());
  }
  out << "\n";
  return kOk;
}

}  // namespace rc::cli
