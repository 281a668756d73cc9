// See guidance_options.hpp.
#include "guidance_options.hpp"

#include <ostream>

#include "config.hpp"

namespace rc::cli {

bool take_guidance_options(std::vector<std::string>& args, GuidanceOptions& opts, std::ostream& err) {
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--config" || a == "--content") {
      if (i + 1 >= args.size()) {
        err << a << " needs a value\n";
        return false;
      }
      (a == "--config" ? opts.config_file : opts.content_dir) = args[++i];
    } else {
      rest.push_back(a);
    }
  }
  args = rest;
  return true;
}

std::optional<GuidanceSet> load_guidance_for(const GuidanceOptions& opts, std::ostream& err) {
  Config config;
  if (!opts.config_file.empty()) {
    auto loaded = load_config_file(opts.config_file);
    if (!loaded) {
      err << loaded.error().describe() << "\n";
      return std::nullopt;
    }
    config = loaded.value();
  }
  const std::string content = opts.content_dir.empty() ? config.content : opts.content_dir;
  const auto& dialogs = opts.dialog_paths.empty() ? config.dialogs : opts.dialog_paths;
  return load_guidance(dialogs, content, config.contacts, opts.config_file.empty() ? "config" : opts.config_file,
                       config.spelling_dictionary);
}

}  // namespace rc::cli
