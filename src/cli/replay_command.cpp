// rightconv replay: re-runs the answers of logged conversations against a candidate dialog
// and reports how many would now end differently. Reads the log only; safe while serving.
#include <map>
#include <optional>
#include <ostream>

#include "commands.hpp"
#include "core/conversation_replay.hpp"
#include "core/dialog_loader.hpp"
#include "database_options.hpp"
#include "dialog_file.hpp"
#include "store/logged_history_reader.hpp"
#include "store/pg_db.hpp"

namespace rc::cli {
namespace {

void print_replay_help(std::ostream& out) {
  out << "usage: rightconv replay --db FILE --dialog NEW_DIALOG [--since DATE]\n"
         "Re-runs the answers of every logged conversation of NEW_DIALOG's dialog id against NEW_DIALOG\n"
         "and reports how many would now end differently, grouped by old -> new outcome, with example\n"
         "conversation ids. Opens the database read-only: it writes nothing and can run while the\n"
         "server does. Exit 0 when none would end differently, 1 when some would (or on an error),\n"
         "2 on a usage error.\n"
         "  --db FILE        the server's SQLite database (rightconv.db)\n"
         "  --dialog FILE    the candidate dialog\n"
         "  --since DATE     only conversations started then or later: 2024-05-01 or 2024-05-01T13:30[:00][Z] (UTC)\n";
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS][Z]", in UTC, as ms since the epoch.
std::optional<std::int64_t> parse_since(const std::string& s) {
  auto digits = [&](std::size_t at, std::size_t n, int& v) {
    if (at + n > s.size()) return false;
    v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' || !digits(8, 2, d)) return std::nullopt;
  std::size_t at = 10;
  if (at < s.size()) {
    if ((s[at] != 'T' && s[at] != ' ') || !digits(at + 1, 2, h) || at + 3 >= s.size() || s[at + 3] != ':' || !digits(at + 4, 2, mi))
      return std::nullopt;
    at += 6;
    if (at < s.size() && s[at] == ':') {
      if (!digits(at + 1, 2, sec)) return std::nullopt;
      at += 3;
    }
    if (at < s.size() && s[at] == 'Z') ++at;
    if (at != s.size()) return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  const long long days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL;
}

std::string listed(const std::vector<std::string>& ids) {
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : ", ") + id;
  return s;
}

// From the SQLite file or PostgreSQL database `db` names (the password as for every command:
// RIGHTCONV_DB_PASSWORD). Never migrates: replay writes nothing.
Result<store::LoggedHistory> read_history(const std::string& db, const std::string& dialog_id, std::int64_t since) {
  if (!store::is_postgresql_url(db)) return store::read_logged_history(db, dialog_id, since);
  Config config;
  config.db_path = db;
  config.db_from_flag = true;
  auto target = database_target_of(config);
  if (!target) return target.error();
  auto connected = store::PgDb::connect(*target->postgresql);
  if (!connected) return connected.error();
  return store::read_logged_history(**connected, db, dialog_id, since);
}

}  // namespace

int replay_command(const Args& args, std::ostream& out, std::ostream& err) {
  std::string db, dialog_file, since_text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      print_replay_help(out);
      return kOk;
    }
    if (a == "--db" || a == "--dialog" || a == "--since") {
      if (i + 1 >= args.size()) {
        err << "replay: " << a << " needs a value\n";
        return kUsage;
      }
      (a == "--db" ? db : a == "--dialog" ? dialog_file : since_text) = args[++i];
    } else {
      err << "replay: unexpected " << a << " (see rightconv replay --help)\n";
      return kUsage;
    }
  }
  if (db.empty() || dialog_file.empty()) {
    err << "replay: give --db FILE and --dialog FILE (see rightconv replay --help)\n";
    return kUsage;
  }
  std::int64_t since = 0;
  if (!since_text.empty()) {
    auto parsed = parse_since(since_text);
    if (!parsed) {
      err << "replay: --since " << since_text << ": expected a date such as 2024-05-01 or 2024-05-01T13:30Z\n";
      return kUsage;
    }
    since = *parsed;
  }
  auto candidate = read_dialog_file(dialog_file, err);
  if (!candidate) return kProblems;
  auto history = read_history(db, candidate->id, since);
  if (!history) {
    err << history.error().describe() << "\n";
    return kProblems;
  }

  std::map<std::string, Dialog> versions;
  for (const auto& v : history->versions) {
    Problems ignored;  // a version was served, so it loaded then
    if (auto d = parse_dialog(v.source_text, "logged version " + v.version, ignored)) versions.emplace(v.version, std::move(*d));
  }
  std::vector<LoggedConversation> conversations;
  conversations.reserve(history->conversations.size());
  for (auto& c : history->conversations)
    conversations.push_back({c.id, c.dialog_version, c.state, c.outcome, std::move(c.client_messages)});

  const ReplayReport r = replay_conversations(*candidate, conversations, versions);
  out << "replayed " << r.replayed << " conversation(s) of " << candidate->id << (since_text.empty() ? "" : " since " + since_text) << " against "
      << dialog_file << " (" << candidate->version << ", " << candidate->content_hash << ")\n";
  out << "  " << r.same << " would end the same\n";
  out << "  " << r.different << " would end differently\n";
  for (const auto& g : r.groups) {
    out << "    " << g.count << "  " << g.was << " -> " << g.now << "\n";
    out << "       e.g. " << listed(g.examples) << "\n";
  }
  if (r.unreadable) out << "  " << r.unreadable << " left out: their logged state could not be read\n";
  if (r.not_reproduced)
    out << "  warning: " << r.not_reproduced << " did not end as logged when replayed on their own version (e.g. "
        << listed(r.not_reproduced_examples) << "): the log may be incomplete\n";
  return r.different ? kProblems : kOk;
}

}  // namespace rc::cli
