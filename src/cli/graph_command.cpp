// rightconv graph: the dialog as a Graphviz or Mermaid diagram, outcomes set apart from questions.
#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "guidance_options.hpp"

namespace rc::cli {
namespace {

// Characters, not bytes, so that a UTF-8 letter counts once when wrapping.
std::size_t width_of(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The text as lines of about `width` characters, broken between words. Long texts (info notes)
// are cut after `max_lines` lines with "..." so the picture stays a map, not a copy of the file.
std::vector<std::string> wrapped(const std::string& text, std::size_t width, std::size_t max_lines) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text + " ") {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!lines.empty() && width_of(lines.back()) + 1 + width_of(words[i]) <= width) {
      lines.back() += " " + words[i];
      continue;
    }
    if (lines.size() == max_lines) {
      lines.back() += "...";
      break;
    }
    lines.push_back(words[i]);
  }
  return lines;
}

// Outcomes that need the practitioner to act now are drawn red.
// Where typed text that raises the safety alert goes from a free-text node (none for other kinds).
std::string disclosure_target(const Dialog& d, const Node& n) {
  if (n.kind != NodeKind::text) return {};
  return n.on_disclosure.empty() ? d.on_disclosure : n.on_disclosure;
}

bool is_urgent(const Node& n) {
  return n.is_outcome() && (n.outcome == "emergency_999" || n.outcome == "duty_and_advice" || n.outcome == "danger_unsure" || n.outcome == "talk_to_lead");
}

std::string node_text(const Node& n) { return n.is_outcome() ? n.title : n.text; }

// A small grey line under each node naming it as the dialog file does, so an author can find it.
std::string node_note(const Node& n) {
  if (n.is_outcome()) return n.id + " \xC2\xB7 outcome " + n.outcome;
  if (n.kind == NodeKind::text && !n.fact.empty()) return n.id + " \xC2\xB7 fact " + n.fact;
  return n.id;
}

std::string sets_note(const Option& o) {
  std::string out;
  for (const auto& [k, v] : o.sets) out += (out.empty() ? "sets " : ", ") + k + " = " + v;
  return out;
}

// --- Graphviz: HTML-like labels, so the text wraps and the node id can sit small beneath it ---

std::string quoted_dot(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else out += c;
  }
  return out;
}

std::string html_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string html_label(const std::vector<std::string>& lines, const std::string& note) {
  std::string out = "<";
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "<BR/>" : "") + html_escaped(lines[i]);
  if (!note.empty()) out += "<BR/><FONT POINT-SIZE=\"8\" COLOR=\"#555555\">" + html_escaped(note) + "</FONT>";
  return out + ">";
}

void write_dot(const Dialog& d, std::ostream& out) {
  out << "digraph \"" << quoted_dot(d.id) << "\" {\n"
      << "  rankdir=TB;\n  nodesep=0.4;\n  ranksep=0.45;\n"
      << "  node [fontname=\"Helvetica\", fontsize=10, margin=\"0.15,0.06\"];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#444444\"];\n";
  for (const auto& n : d.nodes) {
    std::string shape = "box, style=rounded";
    if (n.kind == NodeKind::outcome) shape = "box, style=\"filled,bold\", fillcolor=\"#ffe9b3\"";
    if (is_urgent(n)) shape = "box, style=\"filled,bold\", fillcolor=\"#ffc2c2\"";
    if (n.kind == NodeKind::info) shape = "note, style=filled, fillcolor=\"#e6f0ff\"";
    if (n.kind == NodeKind::text) shape = "parallelogram, fixedsize=shape, width=3.8, height=0.85";  // else the slant makes it huge
    const std::size_t max_lines = n.kind == NodeKind::question ? 4 : 3;
    out << "  \"" << quoted_dot(n.id) << "\" [shape=" << shape << ", label=" << html_label(wrapped(node_text(n), 34, max_lines), node_note(n))
        << "];\n";
  }
  for (const auto& n : d.nodes) {
    for (const auto& o : n.options)
      out << "  \"" << quoted_dot(n.id) << "\" -> \"" << quoted_dot(o.next) << "\" [label=" << html_label(wrapped(o.label, 22, 3), sets_note(o))
          << "];\n";
    if (!n.next.empty()) out << "  \"" << quoted_dot(n.id) << "\" -> \"" << quoted_dot(n.next) << "\";\n";
    if (const std::string to = disclosure_target(d, n); !to.empty())
      out << "  \"" << quoted_dot(n.id) << "\" -> \"" << quoted_dot(to) << "\" [style=dashed, color=\"#a00000\", label=\"on a disclosure\"];\n";
  }
  out << "}\n";
}

// --- Mermaid ---

std::string mermaid_escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"') out += "#quot;";
    else if (c == '<') out += "#lt;";
    else if (c == '>') out += "#gt;";
    else out += c;
  }
  return out;
}

std::string mermaid_label(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "<br/>" : "") + mermaid_escaped(lines[i]);
  return out;
}

std::string mermaid_id(const std::string& id) {
  std::string out = "n_";
  for (char c : id) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

void write_mermaid(const Dialog& d, std::ostream& out) {
  out << "flowchart TD\n";
  for (const auto& n : d.nodes) {
    const std::string id = mermaid_id(n.id);
    std::vector<std::string> lines = wrapped(node_text(n), 34, n.kind == NodeKind::question ? 4 : 3);
    if (n.is_outcome()) lines.push_back("[" + n.outcome + "]");
    const std::string label = mermaid_label(lines);
    switch (n.kind) {
      case NodeKind::question: out << "  " << id << "{\"" << label << "\"}\n"; break;
      case NodeKind::text: out << "  " << id << "[/\"" << label << "\"/]\n"; break;
      case NodeKind::info: out << "  " << id << "[\"" << label << "\"]:::info\n"; break;
      case NodeKind::outcome: out << "  " << id << "([\"" << label << "\"]):::" << (is_urgent(n) ? "urgent" : "outcome") << "\n"; break;
    }
  }
  for (const auto& n : d.nodes) {
    for (const auto& o : n.options)
      out << "  " << mermaid_id(n.id) << " -->|\"" << mermaid_label(wrapped(o.label, 22, 3)) << "\"| " << mermaid_id(o.next) << "\n";
    if (!n.next.empty()) out << "  " << mermaid_id(n.id) << " --> " << mermaid_id(n.next) << "\n";
    if (const std::string to = disclosure_target(d, n); !to.empty())
      out << "  " << mermaid_id(n.id) << " -.->|\"on a disclosure\"| " << mermaid_id(to) << "\n";
  }
  out << "  classDef outcome fill:#ffe9b3,stroke:#8a6d00,stroke-width:2px\n"
         "  classDef urgent fill:#ffc2c2,stroke:#a00000,stroke-width:2px\n"
         "  classDef info fill:#e6f0ff,stroke:#5577aa\n";
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
