// See database_options.hpp.
#include "database_options.hpp"

#include <chrono>
#include <ostream>

namespace rc::cli {

std::optional<Config> take_database_options(std::vector<std::string>& args, std::ostream& err) {
  std::string db, config_file;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--db" || args[i] == "--config") && i + 1 < args.size()) {
      (args[i] == "--db" ? db : config_file) = args[i + 1];
      ++i;
    } else if (args[i] == "--db" || args[i] == "--config") {
      err << args[i] << " needs a value\n";
      return std::nullopt;
    } else {
      rest.push_back(args[i]);
    }
  }
  args = rest;
  Config config;
  if (!config_file.empty()) {
    auto loaded = load_config_file(config_file);
    if (!loaded) {
      err << loaded.error().describe() << "\n";
      return std::nullopt;
    }
    config = loaded.value();
  }
  if (!db.empty()) config.db_path = db;
  return config;
}

std::unique_ptr<store::SqliteDb> open_database(const std::string& path, std::ostream& err) {
  try {
    auto db = std::make_unique<store::SqliteDb>(path, true, 5000);
    store::migrate(*db);
    return db;
  } catch (const store::SqliteError& e) {
    err << "cannot open the database " << path << ": " << e.what() << "\n";
    return nullptr;
  }
}

}  // namespace rc::cli
