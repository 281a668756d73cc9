// See dialog_loader.hpp.
#include "dialog_loader.hpp"

#include "sha256.hpp"
#include "yaml_fields.hpp"

namespace rc {

const char* to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::question: return "question";
    case NodeKind::text: return "text";
    case NodeKind::info: return "info";
    case NodeKind::outcome: return "outcome";
  }
  return "?";
}

namespace {

bool parse_kind(const std::string& s, NodeKind& kind) {
  for (NodeKind k : {NodeKind::question, NodeKind::text, NodeKind::info, NodeKind::outcome})
    if (s == to_string(k)) {
      kind = k;
      return true;
    }
  return false;
}

std::vector<Option> parse_options(const YamlValue* list, const std::string& file, const std::string& node_id,
                                  Problems& problems) {
  std::vector<Option> out;
  if (!list || list->is_null()) return out;
  if (!list->is_sequence()) {
    problems.push_back({Severity::error, file, list->line, node_id, "\"options\" must be a list"});
    return out;
  }
  for (const auto& item : list->items) {
    if (!item.is_map()) {
      problems.push_back({Severity::error, file, item.line, node_id, "each option must be a mapping with id, label and next"});
      continue;
    }
    YamlFields f(item, file, problems, node_id);
    Option o;
    o.line = f.line();
    o.id = f.text("id", true);
    o.label = f.text("label");  // the validator reports an empty label
    o.say = f.text("say");
    o.synonyms = f.text_list("synonyms");
    o.next = f.text("next", true);
    o.sets = f.text_map("sets");
    f.report_unknown_keys();
    out.push_back(std::move(o));
  }
  return out;
}

Node parse_node(const YamlValue& item, const std::string& file, Problems& problems) {
  YamlFields f(item, file, problems);
  Node n;
  n.line = f.line();
  n.id = f.text("id", true);
  f.set_owner(n.id);
  const std::string kind = f.text("kind", true);
  if (!kind.empty() && !parse_kind(kind, n.kind))
    f.problem("unknown kind \"" + kind + "\" (expected question, text, info or outcome)", f.line_of_key("kind"));
  n.text = f.text("text");
  n.say = f.text("say");
  n.source = f.text("source");
  n.quote = Quotes{f.text_list("quote"), f.line_of_key("quote")};
  switch (n.kind) {
    case NodeKind::question:
      n.help = f.text("help");
      n.options = parse_options(f.raw("options"), file, n.id, problems);
      break;
    case NodeKind::text:
      n.help = f.text("help");
      n.next = f.text("next", true);
      n.fact = f.text("fact");
      n.on_disclosure = f.text("on_disclosure");
      n.on_disclosure_line = f.line_of_key("on_disclosure");
      break;
    case NodeKind::info:
      n.next = f.text("next", true);
      break;
    case NodeKind::outcome:
      n.outcome = f.text("outcome", true);
      n.title = f.text("title");
      n.points = f.text_list("points");
      n.come_back = f.flag("come_back");
      n.contacts = f.text_list("contacts");
      n.forms = f.text_list("forms");
      n.guidance = f.text_list("guidance");
      n.services = f.text_list("services");
      n.handoff = f.flag("handoff");
      break;
  }
  f.report_unknown_keys();
  return n;
}

}  // namespace

std::optional<Dialog> parse_dialog(const std::string& text, const std::string& file, Problems& problems) {
  auto root = parse_yaml(text);
  if (!root) {
    problems.push_back({Severity::error, file, root.error().line, "", "not valid YAML: " + root.error().message});
    return std::nullopt;
  }
  if (!root->is_map()) {
    problems.push_back({Severity::error, file, 1, "", "a dialog file must be a mapping with id, version, title, start and nodes"});
    return std::nullopt;
  }
  Dialog d;
  d.file = file;
  d.content_hash = sha256_hex(text).substr(0, 16);
  d.source_text = text;
  YamlFields f(*root, file, problems);
  d.id = f.text("id", true);
  d.version = f.text("version", true);
  d.title = f.text("title", true);
  d.description = f.text("description");
  d.start = f.text("start", true);
  d.urgent = f.text("urgent");
  d.urgent_line = f.line_of_key("urgent");
  d.on_disclosure = f.text("on_disclosure");
  d.on_disclosure_line = f.line_of_key("on_disclosure");
  d.safety_questions = f.text_list("safety_questions");
  d.safety_questions_line = f.line_of_key("safety_questions");
  const YamlValue* nodes = f.raw("nodes");
  f.report_unknown_keys();
  if (!nodes || !nodes->is_sequence()) {
    f.problem("\"nodes\" must be a list of nodes", nodes ? nodes->line : 0);
    return d;
  }
  d.nodes.reserve(nodes->items.size());
  for (const auto& item : nodes->items) {
    if (!item.is_map()) {
      problems.push_back({Severity::error, file, item.line, "", "each node must be a mapping"});
      continue;
    }
    d.nodes.push_back(parse_node(item, file, problems));
  }
  for (std::size_t i = 0; i < d.nodes.size(); ++i) d.index.emplace(d.nodes[i].id, i);  // first wins; validator reports duplicates
  return d;
}

}  // namespace rc
