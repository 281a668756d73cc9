// Where the store lives: an SQLite file (the default, e.g. "rightconv.db") or a PostgreSQL
// server named by a URL ("postgresql://rightconv@db.internal:5432/rightconv"). The password of
// a PostgreSQL URL never comes from the URL: it would show in `ps`, shell history and config
// files. It comes from RIGHTCONV_DB_PASSWORD or the file named by db_password_file.
#pragma once
#include <optional>
#include <string>

#include "core/result.hpp"

namespace rc::store {

struct PostgresTarget {
  std::string url;       // as given: holds no password
  std::string password;  // empty when none was given (trust or peer authentication)
  std::string application_name = "rightconv";  // what pg_stat_activity shows for the connection
};

struct DatabaseTarget {
  std::optional<PostgresTarget> postgresql;  // set for a PostgreSQL URL
  std::string sqlite_path;                   // set otherwise
  bool is_postgresql() const { return postgresql.has_value(); }
  std::string describe() const { return postgresql ? postgresql->url : sqlite_path; }  // safe to log
};

struct DatabaseSettings {
  std::string value;          // the --db flag or the config's "db"
  std::string setting;        // its name, for errors: "--db" or "rightconv.json: db"
  std::string password_file;  // the config's db_password_file, or empty
  std::optional<std::string> password_env;  // RIGHTCONV_DB_PASSWORD, if set
};

// True for "postgresql://..." and "postgres://...".
bool is_postgresql_url(const std::string& value);

// Checks the URL with libpq's own parser and finds the password; errors name the setting.
Result<DatabaseTarget> database_target(const DatabaseSettings& settings);

}  // namespace rc::store
