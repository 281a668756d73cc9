// See answer_words.hpp.
#include "answer_words.hpp"

#include <vector>

namespace rc {

std::string answer_in_words(const Dialog& d, const std::string& node, const std::string& option) {
  if (const Node* n = d.find(node))
    for (const auto& o : n->options)
      if (o.id == option) return node + ": " + (o.label.empty() ? o.id : o.label);
  return node + ": " + option;
}

std::string typed_in_words(const std::string& node, const std::string& text, bool text_known) {
  return node + (text_known ? ": typed \"" + text + "\"" : std::string(": (typed answer)"));
}

std::string node_in_words(const Dialog& d, const std::string& node) {
  const Node* n = d.find(node);
  if (!n || !n->is_outcome()) return node;
  std::string s = node;
  if (!n->title.empty()) s += " \"" + n->title + "\"";
  return s + " (" + n->outcome + ")";
}

std::string join_steps(const std::vector<std::string>& steps) {
  std::string out;
  for (const auto& s : steps) out += (out.empty() ? "" : " → ") + s;
  return out.empty() ? "(no answers)" : out;
}

}  // namespace rc
