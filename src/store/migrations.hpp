// The schema migrations, numbered .sql files in src/store/migrations/ (and postgresql/) compiled into the binary.
#pragma once
#include <string_view>
#include <vector>

namespace rc::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// In ascending version order. Generated at build time from migrations/*.sql.
const std::vector<Migration>& migrations();
// The same schema for PostgreSQL, file by file: migrations/postgresql/*.sql.
const std::vector<Migration>& postgresql_migrations();

}  // namespace rc::store
