// See yaml_fields.hpp.
#include "yaml_fields.hpp"

namespace rc {

YamlFields::YamlFields(const YAML::Node& map, const std::string& file, Problems& problems, std::string owner)
    : map_(map), file_(file), problems_(problems), owner_(std::move(owner)) {}

void YamlFields::problem(const std::string& message, int line) {
  problems_.push_back({Severity::error, file_, line ? line : this->line(), owner_, message});
}

YAML::Node YamlFields::get(const char* key) const {
  const YAML::Node& m = map_;  // const access: a missing key must not be inserted
  return m[key];
}

int YamlFields::line_of_key(const char* key) const {
  const YAML::Node v = get(key);
  return v ? line_of(v) : line();
}

std::string YamlFields::text(const char* key, bool required) {
  seen_.insert(key);
  const YAML::Node v = get(key);
  if (!v || v.IsNull()) {
    if (required) problem(std::string("missing \"") + key + "\"");
    return {};
  }
  if (!v.IsScalar()) {
    problem(std::string("\"") + key + "\" must be text", line_of(v));
    return {};
  }
  return v.Scalar();
}

std::vector<std::string> YamlFields::text_list(const char* key) {
  seen_.insert(key);
  std::vector<std::string> out;
  const YAML::Node v = get(key);
  if (!v || v.IsNull()) return out;
  if (v.IsScalar()) return {v.Scalar()};  // a single item may be written without brackets
  if (!v.IsSequence()) {
    problem(std::string("\"") + key + "\" must be a list of text", line_of(v));
    return out;
  }
  for (const auto& item : v) {
    if (item.IsScalar())
      out.push_back(item.Scalar());
    else
      problem(std::string("items of \"") + key + "\" must be text", line_of(item));
  }
  return out;
}

std::map<std::string, std::string> YamlFields::text_map(const char* key) {
  seen_.insert(key);
  std::map<std::string, std::string> out;
  const YAML::Node v = get(key);
  if (!v || v.IsNull()) return out;
  if (!v.IsMap()) {
    problem(std::string("\"") + key + "\" must be a mapping of name: value", line_of(v));
    return out;
  }
  for (const auto& kv : v) {
    if (kv.second.IsScalar())
      out[kv.first.Scalar()] = kv.second.Scalar();
    else
      problem(std::string("values of \"") + key + "\" must be text", line_of(kv.second));
  }
  return out;
}

bool YamlFields::flag(const char* key, bool fallback) {
  seen_.insert(key);
  const YAML::Node v = get(key);
  if (!v || v.IsNull()) return fallback;
  if (v.IsScalar()) {
    const std::string s = v.Scalar();
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
  }
  problem(std::string("\"") + key + "\" must be true or false", line_of(v));
  return fallback;
}

YAML::Node YamlFields::raw(const char* key) {
  seen_.insert(key);
  return get(key);
}

void YamlFields::report_unknown_keys() {
  for (const auto& kv : map_) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    if (!seen_.count(key)) problem("unknown key \"" + key + "\"", line_of(kv.first));
  }
}

}  // namespace rc
