// See static_files.hpp.
#include "static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rc {
namespace {

std::string content_type_for(const std::string& path) {
  auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "json") return "application/json";
  if (ext == "ico") return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace

std::optional<StaticFile> read_static_file(const std::string& web_root, const std::string& target) {
  std::string path = target.substr(0, target.find_first_of("?#"));
  if (path.empty() || path[0] != '/') return std::nullopt;
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos || path.find('\0') != std::string::npos ||
      path.find("//") != std::string::npos)
    return std::nullopt;
  if (path.back() == '/') path += "index.html";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(web_root + path, ec)) return std::nullopt;
  std::ifstream in(web_root + path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return StaticFile{ss.str(), content_type_for(path)};
}

}  // namespace rc
