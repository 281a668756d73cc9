// rightconv copy: moves an SQLite deployment into an empty PostgreSQL database.
#include <filesystem>
#include <iomanip>
#include <ostream>

#include "commands.hpp"
#include "database_options.hpp"
#include "store/database_copy.hpp"
#include "store/migrations.hpp"
#include "store/pg_migrate.hpp"
#include "store/serve_lock.hpp"

namespace rc::cli {

namespace {

const char* kHelp =
    "usage: rightconv copy --from PATH.db --to postgresql://USER@HOST:PORT/NAME [--config FILE]\n"
    "Copies every row of an SQLite database into a PostgreSQL database that holds none yet\n"
    "(both are migrated first), in one transaction. Each table's row count and a digest of its\n"
    "rows are compared on both sides before it commits; any difference copies nothing.\n"
    "Stop the server first: the SQLite file must not be in use. The PostgreSQL password comes\n"
    "from RIGHTCONV_DB_PASSWORD or the config's db_password_file.\n";

}  // namespace

int copy_command(const Args& given, std::ostream& out, std::ostream& err) {
  Args args = given;
  std::string from, to;
  Args rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      out << kHelp;
      return kOk;
    }
    if ((args[i] == "--from" || args[i] == "--to") && i + 1 < args.size()) {
      std::string& value = args[i] == "--from" ? from : to;
      value = args[++i];
    } else {
      rest.push_back(args[i]);
    }
  }
  auto config = take_database_options(rest, err);
  if (!config) return kUsage;
  if (from.empty() || to.empty() || !rest.empty()) {
    err << "copy: give --from and --to\n" << kHelp;
    return kUsage;
  }
  if (store::is_postgresql_url(from)) {
    err << "copy: --from must be an SQLite file\n";
    return kUsage;
  }
  config->db_path = to;
  config->db_from_flag = true;
  auto target = database_target_of(*config, "--to");
  if (!target) {
    err << "copy: " << target.error().message << "\n";
    return kUsage;
  }
  if (!target->is_postgresql()) {
    err << "copy: --to must be a postgresql:// URL\n";
    return kUsage;
  }
  if (!std::filesystem::is_regular_file(from)) {
    err << "copy: --from " << from << ": no such database file\n";
    return kUsage;
  }
  auto lock = store::ServeLock::take(from);  // no server may write while it is copied
  if (!lock) {
    err << "copy: " << lock.error().message << "\n";
    return kProblems;
  }
  // Read only: the file being moved is never changed. It must be at the newest schema (a
  // server of this version has run on it, or rightconv migrate has).
  std::unique_ptr<store::SqliteDb> source;
  try {
    source = std::make_unique<store::SqliteDb>(from, false, 5000, /*read_only=*/true);
  } catch (const store::SqliteError& e) {
    err << "copy: cannot open " << from << ": " << e.what() << "\n";
    return kProblems;
  }
  if (const int at = store::schema_version(*source); at != store::migrations().back().version) {
    err << "copy: " << from << " is at schema version " << at << ", not " << store::migrations().back().version
        << ": run rightconv migrate --db " << from << " first\n";
    return kProblems;
  }
  auto pg = store::PgDb::connect(*target->postgresql);
  if (!pg) {
    err << "copy: " << pg.error().message << "\n";
    return kProblems;
  }
  if (auto migrated = store::migrate_postgresql(**pg); !migrated) {
    err << "copy: " << migrated.error().describe() << "\n";
    return kProblems;
  }
  auto copied = store::copy_to_postgresql(*source, **pg);
  if (!copied) {
    err << "copy: " << copied.error().message << "\n";
    return kProblems;
  }
  std::int64_t total = 0;
  for (const auto& t : *copied) {
    out << std::left << std::setw(24) << t.table << std::right << std::setw(10) << t.rows << "  " << t.digest << "\n";
    total += t.rows;
  }
  out << "copied " << total << " row(s) in " << copied->size() << " table(s) from " << from << " to " << target->describe()
      << "; counts and digests match\n";
  return kOk;
}

}  // namespace rc::cli
