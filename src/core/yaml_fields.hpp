// Reads typed fields from a YAML mapping, reporting each wrong type, missing field, repeated
// key and unknown key (usually a typo such as "sorce") as a Problem with file and line.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "problem.hpp"
#include "yaml_tree.hpp"

namespace rc {

class YamlFields {
 public:
  YamlFields(const YamlValue& map, const std::string& file, Problems& problems, std::string owner = {});

  // A scalar string; multi-line text keeps its line breaks. Missing or empty: "" (and a
  // problem if required).
  std::string text(const char* key, bool required = false);
  std::vector<std::string> text_list(const char* key);
  std::map<std::string, std::string> text_map(const char* key);
  bool flag(const char* key, bool fallback = false);
  const YamlValue* raw(const char* key);  // marks the key as known; nullptr when absent
  int line() const { return map_.line; }
  int line_of_key(const char* key) const;
  void set_owner(std::string owner) { owner_ = std::move(owner); }
  const std::string& owner() const { return owner_; }
  void problem(const std::string& message, int line = 0);

  // Reports every key that no accessor asked for.
  void report_unknown_keys();

 private:
  const YamlValue* get(const char* key) const;

  const YamlValue& map_;
  const std::string& file_;
  Problems& problems_;
  std::string owner_;
  std::map<std::string, const YamlValue*> by_key_;  // first occurrence of each key
  std::set<std::string> seen_;
};

}  // namespace rc
