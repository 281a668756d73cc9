// See data_paths.hpp.
#include "data_paths.hpp"

#include <filesystem>

namespace rc::cli {

namespace fs = std::filesystem;

DataPaths data_paths_for(const std::string& exe) {
  DataPaths paths;
  const fs::path bin = fs::path(exe).parent_path();
  if (bin.filename() != "bin") return paths;
  const fs::path prefix = bin.parent_path();
  const fs::path share = prefix / "share" / "rightconv";
  std::error_code ec;
  if (!fs::is_directory(share / "dialogs", ec)) return paths;
  paths.installed = true;
  paths.dialogs = (share / "dialogs").string();
  paths.content = (share / "content").string();
  paths.web = (share / "web").string();
  // The FHS puts state under /var whatever the prefix; a prefix elsewhere (a test's staging
  // folder) keeps it inside the prefix.
  const fs::path var = prefix == "/usr" || prefix == "/usr/local" ? fs::path("/var") : prefix / "var";
  paths.db = (var / "lib" / "rightconv" / "rightconv.db").string();
  return paths;
}

const DataPaths& default_data_paths() {
  static const DataPaths paths = [] {
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? DataPaths{} : data_paths_for(exe.string());
  }();
  return paths;
}

}  // namespace rc::cli
