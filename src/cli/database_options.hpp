// --db PATH / --config FILE for the commands that work on the conversation database.
#pragma once
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "wall_clock.hpp"
#include "store/sqlite_db.hpp"

namespace rc::cli {

// Takes --db and --config out of args; the config (defaults if no file) with db_path set.
std::optional<Config> take_database_options(std::vector<std::string>& args, std::ostream& err);

// Opens the database for writing (creating it and applying migrations if needed).
std::unique_ptr<store::SqliteDb> open_database(const std::string& path, std::ostream& err);


}  // namespace rc::cli
