// --db PATH / --config FILE for the commands that work on the conversation database.
#pragma once
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "wall_clock.hpp"
#include "store/database_target.hpp"
#include "store/sqlite_db.hpp"

namespace rc::cli {

// Takes --db and --config out of args; the config (defaults if no file) with db_path set.
std::optional<Config> take_database_options(std::vector<std::string>& args, std::ostream& err);

// Where the database is (SQLite file or PostgreSQL URL) with the password from
// RIGHTCONV_DB_PASSWORD or db_password_file; errors name the setting (`flag` when it came from one).
Result<store::DatabaseTarget> database_target_of(const Config& config, const std::string& flag = "--db");

// Opens the store the config names, SQLite file or PostgreSQL URL, migrated; null after
// printing why it could not.
std::unique_ptr<store::Db> open_store(const Config& config, std::ostream& err);

// Opens the database for writing (creating it and applying migrations if needed).
std::unique_ptr<store::SqliteDb> open_database(const std::string& path, std::ostream& err);


}  // namespace rc::cli
