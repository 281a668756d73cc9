// See database_options.hpp.
#include "database_options.hpp"

#include "store/pg_db.hpp"
#include "store/pg_migrate.hpp"

#include <chrono>
#include <cstdlib>
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
  if (!db.empty()) {
    config.db_path = db;
    config.db_from_flag = true;
  }
  return config;
}

Result<store::DatabaseTarget> database_target_of(const Config& config, const std::string& flag) {
  const char* env = std::getenv("RIGHTCONV_DB_PASSWORD");
  return store::database_target({config.db_path, config.db_from_flag ? flag : (config.file.empty() ? "db" : config.file + ": db"),
                                 config.db_password_file, env ? std::optional<std::string>(env) : std::nullopt});
}

std::unique_ptr<store::Db> open_store(const Config& config, std::ostream& err) {
  auto target = database_target_of(config);
  if (!target) {
    err << target.error().message << "\n";
    return nullptr;
  }
  if (!target->is_postgresql()) return open_database(target->sqlite_path, err);
  auto db = store::PgDb::connect(*target->postgresql);
  if (!db) {
    err << db.error().message << "\n";
    return nullptr;
  }
  if (auto migrated = store::migrate_postgresql(**db); !migrated) {
    err << migrated.error().describe() << "\n";
    return nullptr;
  }
  return std::move(db.value());
}

std::unique_ptr<store::SqliteDb> open_database(const std::string& path, std::ostream& err) {
  if (store::is_postgresql_url(path)) {  // the URL is not repeated: it may hold a password
    err << "this command works on an SQLite database; a PostgreSQL URL is taken by rightconv migrate, copy, staff and audit so far\n";
    return nullptr;
  }
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
