// The dialog model: a tree (or graph) of nodes that walks a practitioner to an outcome.
// Loaded from YAML/JSON by dialog_loader; checked by dialog_validator; run by engine.
#pragma once
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "source_quote.hpp"

namespace rc {

enum class NodeKind { question, text, info, outcome };

const char* to_string(NodeKind kind);

struct Option {
  std::string id;
  std::string label;
  std::string say;  // how the phone menu reads it ("If you're not sure"), when "For <label>" reads badly
  std::vector<std::string> synonyms;       // also match typed or spoken answers ("y", "yes")
  std::string next;
  std::map<std::string, std::string> sets;  // facts recorded when chosen, e.g. area: east
  int line = 0;
};

struct Node {
  std::string id;
  NodeKind kind = NodeKind::question;
  std::string text;   // what the web chat shows
  std::string say;    // read-aloud wording for phone/voice, when it differs from text
  std::string help;
  std::string source;  // source document id (see content/sources.yaml)
  Quotes quote;        // the source's words this node follows
  int line = 0;
  // Text, title, say, help and points may name contact details ("{duty_and_advice.phone}"):
  // filled from content/ when shown, so a number is written once, with its source.

  std::vector<Option> options;  // question
  std::string next;             // text, info
  std::string fact;             // text: the fact name the typed answer is kept under
  std::string on_disclosure;    // text: where typed text that raises a safety alert goes (else the dialog's)
  int on_disclosure_line = 0;

  // outcome
  std::string outcome;  // outcome code, e.g. duty_and_advice
  std::string title;
  std::vector<std::string> points;  // at most three short points after the next step
  std::vector<std::string> contacts, forms, guidance, services;
  bool handoff = false;  // may offer "talk to a person"
  // The practitioner stops here to do something (talk to their Safeguarding Lead) and comes
  // back: the web chat offers a link back to this point.
  bool come_back = false;

  bool is_outcome() const { return kind == NodeKind::outcome; }
  bool takes_input() const { return kind == NodeKind::question || kind == NodeKind::text; }
};

struct Dialog {
  std::string id;
  std::string version;  // as declared by the author
  std::string title;
  std::string description;
  std::string start;
  // Where "Urgent" jumps from anywhere (the phone line's safety path); empty when the dialog has none.
  std::string urgent;
  int urgent_line = 0;
  // Where free text that raises a safety alert at a text node goes, instead of carrying on
  // (a node may name its own). Empty: the alert shows and the conversation carries on.
  std::string on_disclosure;
  int on_disclosure_line = 0;
  // The safety questions (danger, significant harm): when typed text raises the alert later, the
  // practitioner is shown what they answered to these, and can change it (through `urgent`).
  std::vector<std::string> safety_questions;
  int safety_questions_line = 0;
  std::string file;
  std::string content_hash;  // hex SHA-256 prefix of the file's bytes: the version a conversation ran on
  std::string source_text;   // the file as loaded, kept so every served version can be stored
  std::vector<Node> nodes;
  std::unordered_map<std::string, std::size_t> index;  // node id -> position in nodes

  const Node* find(const std::string& node_id) const {
    auto it = index.find(node_id);
    return it == index.end() ? nullptr : &nodes[it->second];
  }
};

}  // namespace rc
