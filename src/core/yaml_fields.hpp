// Reads typed fields from a YAML mapping, reporting each wrong type, missing field and
// unknown key (usually a typo such as "sorce") as a Problem with file and line.
#pragma once
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "problem.hpp"

namespace rc {

inline int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

class YamlFields {
 public:
  YamlFields(const YAML::Node& map, const std::string& file, Problems& problems, std::string owner = {});

  // A scalar string; multi-line text keeps its line breaks. Missing: empty (and a problem if required).
  std::string text(const char* key, bool required = false);
  std::vector<std::string> text_list(const char* key);
  std::map<std::string, std::string> text_map(const char* key);
  bool flag(const char* key, bool fallback = false);
  YAML::Node raw(const char* key);  // marks the key as known; may be undefined
  int line() const { return line_of(map_); }
  int line_of_key(const char* key) const;
  void set_owner(std::string owner) { owner_ = std::move(owner); }
  void problem(const std::string& message, int line = 0);

  // Reports every key that no accessor asked for.
  void report_unknown_keys();

 private:
  YAML::Node get(const char* key) const;
  YAML::Node map_;
  const std::string& file_;
  Problems& problems_;
  std::string owner_;
  std::set<std::string> seen_;
};

}  // namespace rc
