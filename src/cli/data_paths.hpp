// Where rightconv finds its data when neither a flag nor the config says. A build run from a
// checkout uses the working directory (dialogs/, content/, web/, rightconv.db). The binary a
// package installed (PREFIX/bin/rightconv beside PREFIX/share/rightconv) uses the package's
// places: PREFIX/share/rightconv/{dialogs,content,web} and /var/lib/rightconv/rightconv.db.
#pragma once
#include <string>

namespace rc::cli {

struct DataPaths {
  std::string dialogs = "dialogs", content = "content", web = "web", db = "rightconv.db";
  bool installed = false;
};

// Worked out once, from /proc/self/exe.
const DataPaths& default_data_paths();

// The layout for a binary at `exe` (exposed for the tests).
DataPaths data_paths_for(const std::string& exe);

}  // namespace rc::cli
