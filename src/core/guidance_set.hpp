// Loads the dialogs and the content catalogue from disk, applies a deployment's contact
// overrides and runs every check. The one place that reads guidance files.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "content_catalogue.hpp"
#include "dialog.hpp"
#include "problem.hpp"

namespace rc {

struct GuidanceSet {
  std::vector<Dialog> dialogs;
  Catalogue content;
  Problems problems;  // everything found while loading and checking

  const Dialog* find(const std::string& dialog_id) const {
    for (const auto& d : dialogs)
      if (d.id == dialog_id) return &d;
    return nullptr;
  }
};

// dialog_paths: files, or folders whose *.yaml / *.yml / *.json files are dialogs
// (JSON Schemas, *.schema.json, are skipped). content_dir: a folder of content files.
GuidanceSet load_guidance(const std::vector<std::string>& dialog_paths, const std::string& content_dir,
                          const nlohmann::json& contact_overrides = nlohmann::json::object(),
                          const std::string& overrides_file = "config");

// Replaces contact details with a deployment's verified ones: {"hub_east": {"phone": "..."}}.
// An overridden detail is no longer "needs verification" but must still pass the check.
void apply_contact_overrides(Catalogue& content, const nlohmann::json& overrides, const std::string& file, Problems& problems);

}  // namespace rc
