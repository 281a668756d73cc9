// rightconv migrate: brings a database's schema up to date (serve does it too, at start).
#include <ostream>

#include "commands.hpp"
#include "database_options.hpp"
#include "store/pg_migrate.hpp"

namespace rc::cli {

namespace {

const char* kHelp =
    "usage: rightconv migrate [--db PATH|postgresql://USER@HOST:PORT/NAME] [--config FILE]\n"
    "Applies the schema migrations the database has not had yet, each in its own transaction,\n"
    "and prints the version it is at. Safe to run again, and from several instances at once.\n"
    "A PostgreSQL password comes from RIGHTCONV_DB_PASSWORD or the config's db_password_file,\n"
    "never from the URL.\n";

int migrate_postgresql(const store::PostgresTarget& target, std::ostream& out, std::ostream& err) {
  auto db = store::PgDb::connect(target);
  if (!db) {
    err << "migrate: " << db.error().message << "\n";
    return kProblems;
  }
  auto report = store::migrate_postgresql(**db);
  if (!report) {
    err << "migrate: " << report.error().describe() << "\n";
    return kProblems;
  }
  out << target.url << ": schema at version " << report->version << " (" << report->applied << " migration(s) applied now)\n";
  return kOk;
}

}  // namespace

int migrate_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      out << kHelp;
      return kOk;
    }
  auto config = take_database_options(args, err);
  if (!config) return kUsage;
  if (!args.empty()) {
    err << "migrate: unexpected argument \"" << args.front() << "\"\n" << kHelp;
    return kUsage;
  }
  auto target = database_target_of(*config);
  if (!target) {
    err << "migrate: " << target.error().message << "\n";
    return kUsage;
  }
  if (target->is_postgresql()) return migrate_postgresql(*target->postgresql, out, err);
  auto db = open_database(target->sqlite_path, err);  // opening an SQLite file migrates it
  if (!db) return kProblems;
  out << target->sqlite_path << ": schema at the newest version\n";
  return kOk;
}

}  // namespace rc::cli
