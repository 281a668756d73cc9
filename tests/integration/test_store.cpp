// See test_store.hpp.
#include "test_store.hpp"

#include <cstdlib>
#include <functional>
#include <fstream>
#include <mutex>
#include <sstream>

#include "pg_cluster.hpp"
#include "process.hpp"

namespace rc::test {

namespace {

struct Shared {
  std::string folder, port;
};

const Shared* shared() {
  static const Shared* s = [] () -> const Shared* {
    const char* folder = std::getenv("RIGHTCONV_TEST_PG");
    if (!folder || !*folder) return nullptr;
    auto* found = new Shared{folder, {}};
    std::ifstream(found->folder + "/port") >> found->port;
    // The servers and CLI commands the tests start read it from their environment.
    ::setenv("RIGHTCONV_DB_PASSWORD", PgCluster::kPassword, 1);
    return found;
  }();
  return s;
}

// SQLite has no booleans: a comparison reads 1 or 0, and the tests expect that. PostgreSQL's
// read as t/f alone, and as true/false between '|' or ' ' where a test joins a boolean to text.
std::string sqlite_booleans(std::string cell) {
  if (cell == "t") return "1";
  if (cell == "f") return "0";
  std::string out;
  std::size_t from = 0;
  for (;;) {
    const auto bar = cell.find_first_of("| ", from);
    std::string part = cell.substr(from, bar == std::string::npos ? std::string::npos : bar - from);
    out += part == "true" ? "1" : part == "false" ? "0" : part;
    if (bar == std::string::npos) return out;
    out += cell[bar];
    from = bar + 1;
  }
}

ProcessResult psql(const std::string& database, const std::string& sql) {
  const Shared* s = shared();
  return run_process("/usr/bin/psql", {"-h", s->folder, "-p", s->port, "-U", PgCluster::kUser, "-d", database, "-X", "-A", "-t", "-q",
                                       "-F", "\x1f", "-P", "null=NULL", "-v", "ON_ERROR_STOP=1", "-c", sql});
}

}  // namespace

bool on_postgresql() { return shared() != nullptr; }

std::string postgresql_database_for(const std::string& folder) {
  // A name from the folder's path: valid, distinct, and the same when a test restarts a server there.
  std::string name = "t_" + std::to_string(std::hash<std::string>{}(folder) % 1000000000);
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + name + "'").out.find('1') == std::string::npos) {
    psql("postgres", "CREATE DATABASE " + name);
    // The few SQLite functions the tests' own reads use, so they read PostgreSQL unchanged.
    // Only the tests' reads use them: the server's SQL has its PostgreSQL forms (store/db.hpp).
    psql(name, R"(
      CREATE FUNCTION json_extract(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE
        AS $$ SELECT doc::jsonb #>> string_to_array(regexp_replace(substr(path, 3), '\[(\d+)\]', '.\1', 'g'), '.') $$;
      CREATE FUNCTION json_array_length(doc text) RETURNS integer LANGUAGE sql IMMUTABLE
        AS $$ SELECT jsonb_array_length(doc::jsonb) $$;
      CREATE FUNCTION rc_concat(acc text, v text, sep text) RETURNS text LANGUAGE sql IMMUTABLE
        AS $$ SELECT CASE WHEN acc IS NULL THEN v WHEN v IS NULL THEN acc ELSE acc || sep || v END $$;
      CREATE AGGREGATE group_concat(text, text) (SFUNC = rc_concat, STYPE = text);
      CREATE FUNCTION strftime(format text, seconds bigint, modifier text) RETURNS text LANGUAGE sql IMMUTABLE
        AS $$ SELECT to_char(to_timestamp(seconds) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;)");
  }
  return "postgresql://" + std::string(PgCluster::kUser) + "@127.0.0.1:" + shared()->port + "/" + name;
}

bool postgresql_execute(const std::string& url, const std::string& sql) { return psql(url.substr(url.rfind('/') + 1), sql).exit_code == 0; }

std::vector<std::vector<std::string>> postgresql_query(const std::string& url, const std::string& sql) {
  const std::string database = url.substr(url.rfind('/') + 1);
  auto r = psql(database, sql);
  std::vector<std::vector<std::string>> rows;
  if (r.exit_code != 0) return rows;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> row;
    std::size_t from = 0;
    for (std::size_t sep; (sep = line.find('\x1f', from)) != std::string::npos; from = sep + 1) row.push_back(sqlite_booleans(line.substr(from, sep - from)));
    row.push_back(sqlite_booleans(line.substr(from)));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace rc::test
