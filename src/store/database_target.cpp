// See database_target.hpp.
#include "database_target.hpp"

#include <libpq-fe.h>

#include <fstream>
#include <iterator>
#include <memory>

namespace rc::store {

namespace {

using Options = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

Result<std::string> read_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("db_password_file: cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();  // editors add one
  if (text.empty()) return make_error("db_password_file: " + path + " is empty");
  return text;
}

}  // namespace

bool is_postgresql_url(const std::string& value) { return value.rfind("postgresql://", 0) == 0 || value.rfind("postgres://", 0) == 0; }

Result<DatabaseTarget> database_target(const DatabaseSettings& s) {
  DatabaseTarget target;
  if (s.value.empty()) return make_error(s.setting + ": no database given");
  if (!is_postgresql_url(s.value)) {
    if (s.value.find("://") != std::string::npos)
      return make_error(s.setting + ": \"" + s.value.substr(0, s.value.find("://") + 3) +
                        "...\" is not a database rightconv knows: give an SQLite file path or a postgresql:// URL");
    target.sqlite_path = s.value;
    return target;
  }
  char* message = nullptr;
  Options options(PQconninfoParse(s.value.c_str(), &message), PQconninfoFree);
  if (!options) {
    std::string why = message ? message : "not a valid connection URL";
    PQfreemem(message);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return make_error(s.setting + ": not a valid PostgreSQL URL: " + why);
  }
  for (auto* o = options.get(); o->keyword; ++o)
    if ((std::string(o->keyword) == "password" || std::string(o->keyword) == "sslpassword") && o->val && *o->val)
      return make_error(s.setting + ": the URL holds a password; remove it and put the password in RIGHTCONV_DB_PASSWORD or in a file "
                        "named by db_password_file (a password in a URL shows in ps, shell history and config files)");
  PostgresTarget pg{s.value, {}};
  if (!s.password_file.empty()) {
    auto read = read_password_file(s.password_file);
    if (!read) return read.error();
    pg.password = read.value();
  } else if (s.password_env) {
    pg.password = *s.password_env;
  }
  target.postgresql = std::move(pg);
  return target;
}

}  // namespace rc::store
