// Serves the static pages in web/ (no build step). Only plain file names under the root:
// anything with "..", a backslash or a NUL is refused.
#pragma once
#include <optional>
#include <string>

namespace rc {

struct StaticFile {
  std::string body;
  std::string content_type;
};

// target: the request path ("/", "/chat.js"). nullopt when there is no such file.
std::optional<StaticFile> read_static_file(const std::string& web_root, const std::string& target);

}  // namespace rc
