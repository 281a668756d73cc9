// Options shared by the commands that load guidance: --config, --content and dialog paths.
#pragma once
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "guidance/guidance_loader.hpp"

namespace rc::cli {

struct GuidanceOptions {
  std::string config_file;
  std::string content_dir;  // empty: the configured one ("content" by default)
  std::vector<std::string> dialog_paths;  // empty: the configured default ("dialogs")
};

// Takes --config FILE and --content DIR out of args (other arguments stay). False on a usage error.
bool take_guidance_options(std::vector<std::string>& args, GuidanceOptions& opts, std::ostream& err);

// Loads guidance as the options say. nullopt (with the reason on err) if the config is broken.
std::optional<GuidanceSet> load_guidance_for(const GuidanceOptions& opts, std::ostream& err);

}  // namespace rc::cli
