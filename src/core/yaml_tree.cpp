// See yaml_tree.hpp.
#include "yaml_tree.hpp"

#include <yaml.h>

#include <map>
#include <memory>

namespace rc {
namespace {

class Builder {
 public:
  explicit Builder(const std::string& text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Builder() { yaml_parser_delete(&parser_); }

  Result<YamlValue> run() {
    YamlValue root;
    bool have_root = false;
    for (;;) {
      yaml_event_t event;
      if (!next(event)) return error();
      const auto type = event.type;
      if (type == YAML_STREAM_END_EVENT || (type == YAML_DOCUMENT_END_EVENT && have_root)) {
        yaml_event_delete(&event);
        return root;
      }
      if (type == YAML_STREAM_START_EVENT || type == YAML_DOCUMENT_START_EVENT || type == YAML_DOCUMENT_END_EVENT) {
        yaml_event_delete(&event);
        continue;
      }
      auto value = build(event);
      if (!value) return value.error();
      root = std::move(value.value());
      have_root = true;
    }
  }

 private:
  bool next(yaml_event_t& event) { return yaml_parser_parse(&parser_, &event) != 0; }

  Error error() const {
    std::string message = parser_.problem ? parser_.problem : "syntax error";
    if (parser_.context) message = std::string(parser_.context) + ", " + message;
    return make_error(message, {}, static_cast<int>(parser_.problem_mark.line) + 1);
  }

  void remember_anchor(const yaml_char_t* anchor, const YamlValue& v) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = v;
  }

  // Builds the value that starts with `event` (which it takes ownership of).
  Result<YamlValue> build(yaml_event_t& event) {
    YamlValue v;
    v.line = static_cast<int>(event.start_mark.line) + 1;
    switch (event.type) {
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(reinterpret_cast<const char*>(event.data.alias.anchor));
        yaml_event_delete(&event);
        if (it == anchors_.end()) return make_error("unknown alias", {}, v.line);
        return it->second;
      }
      case YAML_SCALAR_EVENT: {
        v.scalar.assign(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
        const bool plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        v.kind = plain && (v.scalar.empty() || v.scalar == "~" || v.scalar == "null" || v.scalar == "Null" || v.scalar == "NULL")
                     ? YamlValue::Kind::null
                     : YamlValue::Kind::scalar;
        remember_anchor(event.data.scalar.anchor, v);
        yaml_event_delete(&event);
        return v;
      }
      case YAML_SEQUENCE_START_EVENT: {
        std::string anchor = event.data.sequence_start.anchor ? reinterpret_cast<const char*>(event.data.sequence_start.anchor) : "";
        yaml_event_delete(&event);
        v.kind = YamlValue::Kind::sequence;
        for (;;) {
          yaml_event_t e;
          if (!next(e)) return error();
          if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            break;
          }
          auto item = build(e);
          if (!item) return item.error();
          v.items.push_back(std::move(item.value()));
        }
        if (!anchor.empty()) anchors_[anchor] = v;
        return v;
      }
      case YAML_MAPPING_START_EVENT: {
        std::string anchor = event.data.mapping_start.anchor ? reinterpret_cast<const char*>(event.data.mapping_start.anchor) : "";
        yaml_event_delete(&event);
        v.kind = YamlValue::Kind::map;
        for (;;) {
          yaml_event_t e;
          if (!next(e)) return error();
          if (e.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&e);
            break;
          }
          auto key = build(e);
          if (!key) return key.error();
          yaml_event_t ve;
          if (!next(ve)) return error();
          auto value = build(ve);
          if (!value) return value.error();
          v.entries.emplace_back(std::move(key.value()), std::move(value.value()));
        }
        if (!anchor.empty()) anchors_[anchor] = v;
        return v;
      }
      default:
        yaml_event_delete(&event);
        return make_error("unexpected YAML structure", {}, v.line);
    }
  }

  yaml_parser_t parser_;
  std::map<std::string, YamlValue> anchors_;
};

}  // namespace

Result<YamlValue> parse_yaml(const std::string& text) { return Builder(text).run(); }

}  // namespace rc
