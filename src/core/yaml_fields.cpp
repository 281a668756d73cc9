// See yaml_fields.hpp.
#include "yaml_fields.hpp"

namespace rc {

YamlFields::YamlFields(const YamlValue& map, const std::string& file, Problems& problems, std::string owner)
    : map_(map), file_(file), problems_(problems), owner_(std::move(owner)) {
  for (const auto& [k, v] : map_.entries) {
    if (!k.is_scalar()) continue;
    if (!by_key_.emplace(k.scalar, &v).second) problem("key \"" + k.scalar + "\" appears twice", k.line);
  }
}

void YamlFields::problem(const std::string& message, int line) {
  problems_.push_back({Severity::error, file_, line ? line : this->line(), owner_, message});
}

const YamlValue* YamlFields::get(const char* key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second;
}

int YamlFields::line_of_key(const char* key) const {
  const YamlValue* v = get(key);
  return v ? v->line : line();
}

std::string YamlFields::text(const char* key, bool required) {
  seen_.insert(key);
  const YamlValue* v = get(key);
  if (!v || v->is_null() || (v->is_scalar() && v->scalar.empty())) {
    if (required) problem(std::string(v ? "empty \"" : "missing \"") + key + "\"", v ? v->line : 0);
    return {};
  }
  if (!v->is_scalar()) {
    problem(std::string("\"") + key + "\" must be text", v->line);
    return {};
  }
  return v->scalar;
}

std::vector<std::string> YamlFields::text_list(const char* key) {
  seen_.insert(key);
  std::vector<std::string> out;
  const YamlValue* v = get(key);
  if (!v || v->is_null()) return out;
  if (v->is_scalar()) return {v->scalar};  // a single item may be written without brackets
  if (!v->is_sequence()) {
    problem(std::string("\"") + key + "\" must be a list of text", v->line);
    return out;
  }
  for (const auto& item : v->items) {
    if (item.is_scalar())
      out.push_back(item.scalar);
    else
      problem(std::string("items of \"") + key + "\" must be text", item.line);
  }
  return out;
}

std::map<std::string, std::string> YamlFields::text_map(const char* key) {
  seen_.insert(key);
  std::map<std::string, std::string> out;
  const YamlValue* v = get(key);
  if (!v || v->is_null()) return out;
  if (!v->is_map()) {
    problem(std::string("\"") + key + "\" must be a mapping of name: value", v->line);
    return out;
  }
  for (const auto& [k, val] : v->entries) {
    if (k.is_scalar() && val.is_scalar())
      out[k.scalar] = val.scalar;
    else
      problem(std::string("values of \"") + key + "\" must be text", val.line);
  }
  return out;
}

bool YamlFields::flag(const char* key, bool fallback) {
  seen_.insert(key);
  const YamlValue* v = get(key);
  if (!v || v->is_null()) return fallback;
  if (v->is_scalar()) {
    const std::string& s = v->scalar;
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
  }
  problem(std::string("\"") + key + "\" must be true or false", v->line);
  return fallback;
}

const YamlValue* YamlFields::raw(const char* key) {
  seen_.insert(key);
  return get(key);
}

void YamlFields::report_unknown_keys() {
  for (const auto& [k, v] : map_.entries) {
    const std::string key = k.is_scalar() ? k.scalar : std::string("?");
    if (!seen_.count(key)) problem("unknown key \"" + key + "\"", k.line);
  }
}

}  // namespace rc
