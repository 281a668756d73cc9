// rightconv graph: the dialog as a Graphviz or Mermaid diagram, outcomes set apart from questions.
#include <ostream>

#include "commands.hpp"
#include "guidance_options.hpp"

namespace rc::cli {
namespace {

std::string one_line(std::string s, std::size_t max = 60) {
  for (auto& c : s)
    if (c == '\n') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

std::string escaped(const std::string& s, bool mermaid) {
  std::string out;
  for (char c : s) {
    if (c == '"') out += mermaid ? "#quot;" : "\\\"";
    else if (!mermaid && c == '\\') out += "\\\\";
    else out += c;
  }
  return out;
}

std::string node_label(const Node& n) {
  if (n.is_outcome()) return n.outcome + ": " + one_line(n.title);
  return one_line(n.text);
}

void write_dot(const Dialog& d, std::ostream& out) {
  out << "digraph \"" << escaped(d.id, false) << "\" {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  for (const auto& n : d.nodes) {
    std::string shape = "box, style=rounded";
    if (n.kind == NodeKind::outcome) shape = "box, style=\"filled,bold\", fillcolor=\"#ffe9b3\"";
    if (n.kind == NodeKind::outcome && (n.outcome == "emergency_999" || n.outcome == "duty_and_advice"))
      shape = "box, style=\"filled,bold\", fillcolor=\"#ffc2c2\"";
    if (n.kind == NodeKind::info) shape = "note, style=filled, fillcolor=\"#e6f0ff\"";
    if (n.kind == NodeKind::text) shape = "parallelogram";
    out << "  \"" << escaped(n.id, false) << "\" [shape=" << shape << ", label=\"" << escaped(node_label(n), false) << "\"];\n";
  }
  for (const auto& n : d.nodes) {
    for (const auto& o : n.options)
      out << "  \"" << escaped(n.id, false) << "\" -> \"" << escaped(o.next, false) << "\" [label=\"" << escaped(one_line(o.label, 30), false) << "\"];\n";
    if (!n.next.empty()) out << "  \"" << escaped(n.id, false) << "\" -> \"" << escaped(n.next, false) << "\";\n";
  }
  out << "}\n";
}

std::string mermaid_id(const std::string& id) {
  std::string out = "n_";
  for (char c : id) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

void write_mermaid(const Dialog& d, std::ostream& out) {
  out << "flowchart TD\n";
  for (const auto& n : d.nodes) {
    const std::string label = escaped(node_label(n), true);
    const std::string id = mermaid_id(n.id);
    switch (n.kind) {
      case NodeKind::question: out << "  " << id << "{\"" << label << "\"}\n"; break;
      case NodeKind::text: out << "  " << id << "[/\"" << label << "\"/]\n"; break;
      case NodeKind::info: out << "  " << id << "[\"" << label << "\"]\n"; break;
      case NodeKind::outcome: out << "  " << id << "([\"" << label << "\"]):::outcome\n"; break;
    }
  }
  for (const auto& n : d.nodes) {
    for (const auto& o : n.options)
      out << "  " << mermaid_id(n.id) << " -->|\"" << escaped(one_line(o.label, 30), true) << "\"| " << mermaid_id(o.next) << "\n";
    if (!n.next.empty()) out << "  " << mermaid_id(n.id) << " --> " << mermaid_id(n.next) << "\n";
  }
  out << "  classDef outcome fill:#ffe9b3,stroke:#8a6d00,stroke-width:2px\n";
}

}  // namespace

int graph_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  GuidanceOptions opts;
  if (!take_guidance_options(args, opts, err)) return kUsage;
  std::string format = "dot";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      out << "usage: rightconv graph DIALOG_FILE [--format dot|mermaid]\n"
             "Prints the dialog as a diagram: questions as rounded boxes, outcomes filled (urgent ones red),\n"
             "info notes blue, free-text questions as parallelograms. Render dot with: dot -Tsvg\n";
      return kOk;
    }
    if (args[i] == "--format" && i + 1 < args.size()) format = args[++i];
    else if (args[i].rfind("--", 0) == 0) {
      err << "graph: unknown option " << args[i] << "\n";
      return kUsage;
    } else opts.dialog_paths.push_back(args[i]);
  }
  if (format != "dot" && format != "mermaid") {
    err << "graph: --format must be dot or mermaid\n";
    return kUsage;
  }
  if (opts.dialog_paths.size() != 1) {
    err << "graph: name one dialog file (see rightconv graph --help)\n";
    return kUsage;
  }
  auto g = load_guidance_for(opts, err);
  if (!g || g->dialogs.empty()) {
    if (g)
      for (const auto& p : g->problems) err << p.describe() << "\n";
    return kProblems;
  }
  if (format == "dot") write_dot(g->dialogs.front(), out);
  else write_mermaid(g->dialogs.front(), out);
  return kOk;
}

}  // namespace rc::cli
