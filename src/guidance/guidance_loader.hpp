// Loads the dialogs and the content catalogue from disk, applies a deployment's contact
// overrides, compiles the safety detector (with its spelling dictionary) and runs every
// check. The one place that reads guidance files.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/guidance_set.hpp"

namespace rc {

inline constexpr const char* kDefaultSpellingDictionary = "/usr/share/hunspell/en_GB";

// dialog_paths: files, or folders whose *.yaml / *.yml / *.json files are dialogs
// (JSON Schemas, *.schema.json, are skipped). content_dir: a folder of content files, and its
// safety/ folder (the safety interrupt's alert and detector rules).
GuidanceSet load_guidance(const std::vector<std::string>& dialog_paths, const std::string& content_dir,
                          const nlohmann::json& contact_overrides = nlohmann::json::object(),
                          const std::string& overrides_file = "config",
                          const std::string& spelling_dictionary = kDefaultSpellingDictionary);

// Replaces contact details with a deployment's verified ones: {"hub_east": {"phone": "..."}}.
// An overridden detail is no longer "needs verification" but must still pass the check.
void apply_contact_overrides(Catalogue& content, const nlohmann::json& overrides, const std::string& file, Problems& problems);

}  // namespace rc
