// See review_queries.hpp. SQL is assembled from fixed fragments; every value is bound.
#include "review_queries.hpp"

#include "ids.hpp"
#include "logged_frames.hpp"
#include "transcript_sections.hpp"

#include <algorithm>
#include <ctime>
#include <variant>

namespace rc::staff {
namespace {

using json = nlohmann::json;

// A WHERE clause built from fixed fragments; each "?" becomes a numbered parameter, bound in order.
struct Where {
  using Value = std::variant<std::string, std::int64_t>;
  std::string sql = " WHERE 1=1";
  std::vector<Value> values;

  void add(std::string fragment, std::initializer_list<Value> bound) {
    std::size_t at = 0;
    for (const auto& v : bound) {
      at = fragment.find('?', at);
      const std::string numbered = "?" + std::to_string(values.size() + 1);
      fragment.replace(at, 1, numbered);
      at += numbered.size();
      values.push_back(v);
    }
    sql += " AND " + fragment;
  }
  void bind(store::Statement& st) const {
    for (std::size_t i = 0; i < values.size(); ++i)
      std::visit([&](const auto& v) { st.bind(static_cast<int>(i + 1), v); }, values[i]);
  }
};

// The scope rule, in one place: the staff API, the console and the call page all read through it.
// A hub sees what belongs to it (conversation_hubs, kept by the triggers of migration 010: an
// area given at any point, "I work in", the hub of the call taker or of whoever accepted the
// handoff), and an open handoff waiting in its queue or accepted by the caller.
constexpr const char* kScopeRule =
    "(EXISTS (SELECT 1 FROM conversation_hubs ch WHERE ch.conversation_id = c.id AND ch.hub = ?) OR "
    "EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = c.id AND "
    "((h.status = 'requested' AND (h.queue = ? OR h.queue = 'any')) OR (h.status = 'accepted' AND h.accepted_by = ?))))";

// A conversation from before readable references (migration 009) has its id as its reference.
constexpr const char* kReferenceIs = "COALESCE(c.reference, c.id) = ?";

void add_scope(Where& w, const Scope& scope) {
  if (!scope.area.empty()) w.add(kScopeRule, {scope.area, scope.area, scope.staff_id});
}

Where where_for(const store::Db& db, const Filter& f, const Scope& scope) {
  Where w;
  add_scope(w, scope);
  if (f.from) w.add("c.started_at >= ?", {*f.from});
  if (f.to) w.add("c.started_at < ?", {*f.to});
  if (!f.outcome.empty()) w.add("c.outcome = ?", {f.outcome});
  if (!f.area.empty()) w.add("c.area = ?", {f.area});
  if (!f.channel.empty()) w.add("c.channel = ?", {f.channel});
  if (!f.status.empty()) w.add("c.status = ?", {f.status});
  if (!f.review.empty()) w.add("COALESCE(r.state, 'new') = ?", {f.review});
  if (f.alert && f.alert_category.empty()) w.add("EXISTS (SELECT 1 FROM safety_alerts a WHERE a.conversation_id = c.id)", {});
  if (!f.alert_category.empty())
    w.add("EXISTS (SELECT 1 FROM safety_alerts a WHERE a.conversation_id = c.id AND a.category = ?)", {f.alert_category});
  if (!f.reference.empty()) w.add(std::string(kReferenceIs), {f.reference});
  // Phone calls only: "no" finds the calls whose page closed before the wrap-up.
  if (f.wrapped_up == "no") w.add("EXISTS (SELECT 1 FROM phone_calls p2 WHERE p2.conversation_id = c.id AND p2.wrapped_up_at IS NULL)", {});
  if (f.wrapped_up == "yes") w.add("EXISTS (SELECT 1 FROM phone_calls p2 WHERE p2.conversation_id = c.id AND p2.wrapped_up_at IS NOT NULL)", {});
  if (!f.text.empty()) {
    const std::string typed_it =
        "EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = c.id AND t.direction = 'in' AND " +
        std::string(store::sql_position(db)) + "(lower(" + store::sql_json_text(db, "t.message", "text") + "), lower(?)) > 0)";
    // A reference read out finds its conversation too ("eh 7kq2 m9xd").
    if (auto reference = conversation_reference_of(f.text))
      w.add("(" + std::string(kReferenceIs) + " OR " + typed_it + ")", {*reference, f.text});
    else
      w.add(typed_it, {f.text});
  }
  return w;
}

// Columns 12-18 are a phone call's (migrations/006_phone_calls.sql): NULL for other channels.
// Columns 19-20: the harm categories of the safety alerts that fired, and the highest level
// ("immediate_danger" sorts first), NULL when none did. Column 21: the readable reference.
// Columns 22-23: what the practitioner said about themselves; 24-25: the wrap-up's caller fields
// (migrations/011_call_caller.sql), NULL when not said.
std::string list_columns(const store::Db& db) {
  return
    "SELECT c.id, c.dialog_id, c.dialog_version, c.channel, c.started_at, c.updated_at, c.ended_at, c.status, c.outcome, c.area, "
    "COALESCE(r.state, 'new'), c.legal_hold, p.staff_id, COALESCE(s.display_name, p.staff_id), p.wrapped_up_at, p.wrap_up_code, "
    "p.wrap_up_outcome, p.outcome_confirmed, p.wrap_up_note, "
    "(SELECT " + std::string(db.dialect() == store::Dialect::postgresql ? "string_agg(category, ',' ORDER BY category)" : "group_concat(category, ',')") +
    " FROM (SELECT DISTINCT category FROM safety_alerts a WHERE a.conversation_id = c.id ORDER BY category) d), "
    "(SELECT MIN(level) FROM safety_alerts a WHERE a.conversation_id = c.id), COALESCE(c.reference, c.id), c.work_area, c.agency, "
    "p.caller_role, p.callback_promised "
    "FROM conversations c LEFT JOIN reviews r ON r.conversation_id = c.id "
    "LEFT JOIN phone_calls p ON p.conversation_id = c.id LEFT JOIN staff s ON s.id = p.staff_id";
}

// A millisecond time as text: "day" (UTC, YYYY-MM-DD), or in the server's local time "hour"
// (00-23) and "weekday" (0 for Sunday to 6). PostgreSQL's session has the server's time zone
// (pg_db.cpp), as SQLite's 'localtime' has.
std::string local_time(const store::Db& db, const std::string& ms, const std::string& part) {
  if (db.dialect() == store::Dialect::postgresql) {
    const std::string t = "to_timestamp(" + ms + " / 1000.0)";
    if (part == "day") return "to_char(" + t + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
    if (part == "hour") return "to_char(" + t + ", 'HH24')";
    return "CAST(EXTRACT(DOW FROM " + t + ") AS INTEGER)::text";
  }
  if (part == "day") return "date(" + ms + " / 1000, 'unixepoch')";
  return "strftime('" + std::string(part == "hour" ? "%H" : "%w") + "', " + ms + " / 1000, 'unixepoch', 'localtime')";
}

json optional_text(store::Statement& q, int column) { return q.is_null(column) ? json(nullptr) : json(q.text(column)); }

// Who took a phone call and how it was wrapped up; null for a conversation that is not a call.
// The wrap-up note only in a transcript (`with_note`): a list is read at a glance.
json call_json(store::Statement& q, bool with_note) {
  if (q.is_null(12)) return nullptr;
  json call{{"staff_id", q.text(12)}, {"staff_name", q.text(13)}, {"wrapped_up", !q.is_null(14)}, {"wrap_up", nullptr}};
  if (q.is_null(14)) return call;
  json w{{"at", iso_time(q.integer(14))}, {"code", q.text(15)}, {"outcome", optional_text(q, 16)}, {"outcome_confirmed", q.integer(17) != 0}};
  if (with_note) w["note"] = q.text(18);
  w["caller_role"] = optional_text(q, 24);
  w["callback_promised"] = q.is_null(25) ? json(nullptr) : json(q.integer(25) != 0);
  call["wrap_up"] = std::move(w);
  return call;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    const auto comma = s.find(',', at);
    out.push_back(s.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

json row_json(store::Statement& q, bool with_note = false) {
  json j{{"id", q.text(0)},      {"reference", q.text(21)},     {"dialog", q.text(1)},         {"dialog_version", q.text(2)}, {"channel", q.text(3)},
         {"started_at", iso_time(q.integer(4))}, {"updated_at", iso_time(q.integer(5))}, {"status", q.text(7)},
         {"review_state", q.text(10)}, {"legal_hold", q.integer(11) != 0}};
  j["ended_at"] = q.is_null(6) ? json(nullptr) : json(iso_time(q.integer(6)));
  j["outcome"] = q.is_null(8) ? json(nullptr) : json(q.text(8));
  j["area"] = q.is_null(9) ? json(nullptr) : json(q.text(9));
  j["work_area"] = optional_text(q, 22);
  j["agency"] = optional_text(q, 23);
  j["call"] = call_json(q, with_note);
  j["alert"] = q.is_null(19) ? json(nullptr) : json{{"categories", split_commas(q.text(19))}, {"level", q.text(20)}};
  return j;
}

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  for (auto a : allowed)
    if (v == a) return true;
  return false;
}

std::optional<std::int64_t> parse_time(const std::string& s) {
  // YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, or milliseconds since the epoch
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos && s.size() > 10 && s.size() < 16) return std::stoll(s);
  std::tm tm{};
  int y, mo, d, h = 0, mi = 0, se = 0, used = 0;
  const bool date_only = s.size() == 10 && std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3 && used == 10;
  const bool date_time = !date_only && s.size() == 20 && s[19] == 'Z' &&
                         std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &used) == 6 && used == 19;
  if (!date_only && !date_time) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

std::string csv_cell(std::string v) {
  // A leading = + - @ would make a spreadsheet run it as a formula.
  if (!v.empty() && std::string("=+-@\t\r").find(v[0]) != std::string::npos) v = "'" + v;
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string cell_of(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

std::string iso_time(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

json Filter::to_json() const {
  json j = json::object();
  if (from) j["from"] = iso_time(*from);
  if (to) j["to"] = iso_time(*to);
  for (const auto& [k, v] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"outcome", &outcome}, {"area", &area}, {"channel", &channel}, {"status", &status}, {"review", &review}, {"q", &text}, {"cursor", &cursor},
           {"reference", &reference},
           {"alert_category", &alert_category}, {"wrapped_up", &wrapped_up}})
    if (!v->empty()) j[k] = *v;
  if (alert) j["alert"] = true;
  return j;
}

Result<Filter> parse_filter(const std::multimap<std::string, std::string>& params) {
  Filter f;
  for (const auto& [k, v] : params) {
    if (k == "from" || k == "to") {
      auto t = parse_time(v);
      if (!t) return make_error(k + ": expected a date like 2026-11-25 or 2026-11-25T13:00:00Z");
      (k == "from" ? f.from : f.to) = t;
    } else if (k == "outcome") f.outcome = v;
    else if (k == "area") {
      if (!one_of(v, {"east", "west", "south"})) return make_error("area: expected east, west or south");
      f.area = v;
    } else if (k == "channel") {
      if (!one_of(v, {"web", "phone", "voice"})) return make_error("channel: expected web, phone or voice");
      f.channel = v;
    } else if (k == "status") {
      if (!one_of(v, {"active", "completed", "abandoned", "handed_off"})) return make_error("status: expected active, completed, abandoned or handed_off");
      f.status = v;
    } else if (k == "review") {
      if (!one_of(v, {"new", "in_progress", "reviewed", "needs_follow_up"})) return make_error("review: expected new, in_progress, reviewed or needs_follow_up");
      f.review = v;
    } else if (k == "alert") {
      if (!one_of(v, {"yes", "true", "1", "no", "false", "0", ""})) return make_error("alert: expected yes or no");
      f.alert = one_of(v, {"yes", "true", "1"});
    } else if (k == "wrapped_up") {
      if (!one_of(v, {"yes", "no", ""})) return make_error("wrapped_up: expected yes or no");
      f.wrapped_up = v;
    } else if (k == "alert_category") {
      if (v.empty() || v.size() > 40 || v.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
        return make_error("alert_category: expected a category id such as physical_abuse");
      f.alert_category = v;
    } else if (k == "reference") {
      auto reference = conversation_reference_of(v);
      const bool is_id = v.size() == 28 && v.find_first_not_of("0123456789abcdef") == std::string::npos;
      if (!reference && !is_id) return make_error("reference: expected a conversation reference like EH-7KQ2-M9XD");
      f.reference = reference.value_or(v);
    } else if (k == "q") {
      if (v.size() > 200) return make_error("q: at most 200 characters");
      f.text = v;
    } else if (k == "cursor") {
      // "<started_at ms>.<conversation id>", as next_cursor gave it
      const auto dot = v.find('.');
      if (dot == std::string::npos || dot == 0 || dot > 15 || v.find_first_not_of("0123456789") != dot ||
          v.find_first_not_of("0123456789abcdef", dot + 1) != std::string::npos || v.size() - dot - 1 != 28)
        return make_error("cursor: not a cursor this API gave out");
      f.cursor = v;
    } else if (k == "limit") {
      if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < 1 || std::stoi(v) > 500)
        return make_error("limit: expected a number from 1 to 500");
      f.limit = std::stoi(v);
    } else if (k != "turns") {
      return make_error(k + ": unknown parameter");
    }
  }
  return f;
}

Page list_conversations(store::Db& db, const Filter& f, const Scope& scope) {
  Where w = where_for(db, f, scope);
  if (!f.cursor.empty()) {
    // cursor = "<started_at>.<id>" of the last row of the previous page; newest first
    auto dot = f.cursor.find('.');
    std::int64_t started = 0;
    try {
      started = std::stoll(f.cursor.substr(0, dot));
    } catch (...) {
      started = 0;  // parse_filter has checked the shape already
    }
    const std::string id = dot == std::string::npos ? "" : f.cursor.substr(dot + 1);
    w.add("(c.started_at < ? OR (c.started_at = ? AND c.id < ?))", {started, started, id});
  }
  store::Query q(db, list_columns(db) + w.sql + " ORDER BY c.started_at DESC, c.id DESC LIMIT " + std::to_string(f.limit + 1));
  w.bind(q);
  Page page;
  std::int64_t last_started = 0;
  std::string last_id;
  while (q.step()) {
    if (static_cast<int>(page.items.size()) == f.limit) {
      page.next_cursor = std::to_string(last_started) + "." + last_id;
      break;
    }
    page.items.push_back(row_json(q));
    last_started = q.integer(4);
    last_id = q.text(0);
  }
  return page;
}

bool conversation_visible(store::Db& db, const std::string& id, const Scope& scope) {
  Where w;
  w.add("c.id = ?", {id});
  add_scope(w, scope);
  store::Query q(db, "SELECT 1 FROM conversations c" + w.sql);
  w.bind(q);
  return q.step();
}

std::optional<json> transcript(store::Db& db, const std::string& id, const Scope& scope) {
  if (!conversation_visible(db, id, scope)) return std::nullopt;
  store::Query c(db, list_columns(db) + " WHERE c.id = ?1");
  c.bind(1, id);
  if (!c.step()) return std::nullopt;
  json out = row_json(c, true);
  store::Query st(db, "SELECT state FROM conversations WHERE id = ?1");
  st.bind(1, id);
  if (st.step()) {
    json state = json::parse(st.text(0), nullptr, false);
    out["path"] = state.is_object() ? state.value("history", json::array()) : json::array();
    out["current_node"] = state.is_object() ? state.value("current", "") : "";
  }
  json turns = json::array();
  json contacts_shown = json::array();
  store::Query t(db, "SELECT seq, at, direction, node, message FROM turns WHERE conversation_id = ?1 ORDER BY seq");
  t.bind(1, id);
  while (t.step())
    turns.push_back({{"seq", t.integer(0)}, {"at", iso_time(t.integer(1))}, {"direction", t.text(2)}, {"node", t.text(3)},
                     {"message", json::parse(t.text(4), nullptr, false)}});
  // The frames as they were sent: those logged by template put back (after the read, so no
  // statement runs while another is open).
  store::LoggedFrameReader frames(db);
  for (auto& turn : turns) {
    if (turn["direction"] != "out") continue;
    turn["message"] = frames.expanded(std::move(turn["message"]));
    if (turn["message"].is_array())
      for (const auto& m : turn["message"])
        if (m.value("type", "") == "outcome" || m.value("type", "") == "alert")
          for (const auto& contact : m.value("contacts", json::array())) contacts_shown.push_back(contact);
  }
  out["turns"] = std::move(turns);
  out["contacts_shown"] = std::move(contacts_shown);
  // Why each alert fired: for the reviewer only (the practitioner saw the alert, not this).
  json alerts = json::array();
  store::Query a(db, "SELECT at, node, source, level, category, label, words, rule_line FROM safety_alerts WHERE conversation_id = ?1 ORDER BY at, " +
                         // one text's alerts share a time: SQLite keeps the order they were written in
                         std::string(db.dialect() == store::Dialect::postgresql ? "rule_line, category" : "rowid"));
  a.bind(1, id);
  while (a.step()) {
    json words = a.is_null(6) ? json(nullptr) : json::parse(a.text(6), nullptr, false);
    alerts.push_back({{"at", iso_time(a.integer(0))}, {"node", optional_text(a, 1)}, {"source", a.text(2)}, {"level", a.text(3)},
                      {"category", a.text(4)}, {"label", a.text(5)}, {"words", words.is_discarded() ? json(nullptr) : words},
                      {"rule_line", a.is_null(7) ? json(nullptr) : json(a.integer(7))}});
  }
  out["safety_alerts"] = std::move(alerts);
  json notes = json::array();
  store::Query n(db, "SELECT at, author, state, note FROM review_notes WHERE conversation_id = ?1 ORDER BY id");
  n.bind(1, id);
  while (n.step()) notes.push_back({{"at", iso_time(n.integer(0))}, {"author", n.text(1)}, {"state", n.text(2)}, {"note", n.text(3)}});
  out["notes"] = std::move(notes);
  out["hubs"] = hubs_json(db, id);
  out["handoffs"] = handoffs_json(db, id);
  return out;
}

std::string export_csv(store::Db& db, Filter f, const Scope& scope, bool include_turns) {
  static const char* columns[] = {"id", "started_at", "updated_at", "ended_at", "status", "channel", "dialog", "dialog_version", "outcome", "area", "review_state",
                                  "alert_categories", "reference"};
  std::string out;
  for (auto c : columns) out += std::string(out.empty() ? "" : ",") + c;
  if (include_turns) out += ",path";
  out += "\r\n";
  f.limit = 500;
  f.cursor.clear();
  for (;;) {
    Page page = list_conversations(db, f, scope);
    for (const auto& item : page.items) {
      std::string line;
      for (auto c : columns) {
        std::string value;
        if (std::string(c) == "alert_categories") {
          if (!item["alert"].is_null())
            for (const auto& cat : item["alert"]["categories"]) value += (value.empty() ? "" : " ") + cat.get<std::string>();
        } else {
          value = cell_of(item[c]);
        }
        line += std::string(line.empty() ? "" : ",") + csv_cell(value);
      }
      if (include_turns) {
        std::string path;
        if (auto t = transcript(db, item["id"], scope))
          for (const auto& step : (*t)["path"])
            path += (path.empty() ? "" : " > ") + step.value("node", "") + "=" +
                    (step.value("urgent", false) ? std::string("urgent")  // the place Urgent jumped from
                     : step.contains("option")   ? step.value("option", "")
                                                 : "\"" + step.value("text", "") + "\"");
        line += "," + csv_cell(path);
      }
      out += line + "\r\n";
    }
    if (page.next_cursor.empty()) break;
    f.cursor = page.next_cursor;
  }
  return out;
}

namespace {

std::int64_t median_of(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? -1 : v[v.size() / 2];
}

json median_or_null(const std::vector<std::int64_t>& v) { return v.empty() ? json(nullptr) : json(median_of(v)); }

// Handoffs of the conversations counted: asked, accepted, how long to accept, told no one was free.
json handoff_stats(store::Db& db, const std::string& from, const Where& w) {
  store::Query q(db, "SELECT h.status, h.requested_at, h.accepted_at, h.unavailable_at FROM handoffs h WHERE h.conversation_id IN (SELECT c.id" + from + ")");
  w.bind(q);
  std::int64_t asked = 0, accepted = 0, told = 0;
  std::vector<std::int64_t> waits;
  while (q.step()) {
    ++asked;
    if (!q.is_null(2)) {
      ++accepted;
      waits.push_back(q.integer(2) - q.integer(1));
    }
    if (!q.is_null(3)) ++told;
  }
  return {{"asked", asked}, {"accepted", accepted}, {"told_unavailable", told}, {"median_ms_to_accept", median_or_null(waits)}};
}

// The phone line: calls per worker, by wrap-up code, median length, and those not wrapped up.
json phone_stats(store::Db& db, const std::string& from, const Where& w) {
  json by_worker = json::object(), by_code = json::object();
  std::int64_t calls = 0, not_wrapped = 0;
  std::vector<std::int64_t> lengths;
  store::Query q(db, "SELECT COALESCE(s.display_name, p.staff_id), p.wrap_up_code, p.wrapped_up_at - p.started_at FROM phone_calls p "
                                  "LEFT JOIN staff s ON s.id = p.staff_id WHERE p.conversation_id IN (SELECT c.id" + from + ")");
  w.bind(q);
  while (q.step()) {
    ++calls;
    by_worker[q.text(0)] = by_worker.value(q.text(0), 0) + 1;
    if (q.is_null(1)) {
      ++not_wrapped;
      continue;
    }
    by_code[q.text(1)] = by_code.value(q.text(1), 0) + 1;
    lengths.push_back(q.integer(2));
  }
  return {{"calls", calls}, {"not_wrapped_up", not_wrapped}, {"by_worker", by_worker}, {"by_wrap_up_code", by_code}, {"median_ms_length", median_or_null(lengths)}};
}

}  // namespace

json stats(store::Db& db, const Filter& f, const Scope& scope) {
  Where w = where_for(db, f, scope);
  const std::string from = " FROM conversations c LEFT JOIN reviews r ON r.conversation_id = c.id" + w.sql;
  json out;
  auto count_by = [&](const std::string& expr) {
    json counts = json::object();
    store::Query q(db, "SELECT COALESCE(" + expr + ", 'none'), COUNT(*)" + from + " GROUP BY 1 ORDER BY 1");
    w.bind(q);
    while (q.step()) counts[q.text(0)] = q.integer(1);
    return counts;
  };
  out["by_outcome"] = count_by("c.outcome");
  out["by_area"] = count_by("c.area");
  out["by_channel"] = count_by("c.channel");
  out["by_status"] = count_by("c.status");
  out["by_day"] = count_by(local_time(db, "c.started_at", "day"));
  {
    // Conversations in which an alert fired, by harm category (one conversation may count in several).
    json by_category = json::object();
    store::Query q(db, "SELECT a.category, COUNT(DISTINCT a.conversation_id) FROM safety_alerts a WHERE a.conversation_id IN (SELECT c.id" +
                                        from + ") GROUP BY 1 ORDER BY 1");
    w.bind(q);
    while (q.step()) by_category[q.text(0)] = q.integer(1);
    out["by_alert_category"] = std::move(by_category);
    store::Query any(db, "SELECT COUNT(*)" + from + " AND EXISTS (SELECT 1 FROM safety_alerts a WHERE a.conversation_id = c.id)");
    w.bind(any);
    any.step();
    out["with_alert"] = any.integer(0);
  }
  {
    store::Query total(db, "SELECT COUNT(*)" + from);
    w.bind(total);
    total.step();
    out["total"] = total.integer(0);
  }
  // Time to the first outcome: from the start to the first reply that carried an outcome.
  std::vector<std::int64_t> durations;
  {
    store::Query q(db, "SELECT (SELECT MIN(t.at) FROM turns t WHERE t.conversation_id = c.id AND t.direction = 'out' AND "
                                    "t.message LIKE '%\"type\":\"outcome\"%') - c.started_at" + from + " AND c.outcome IS NOT NULL");
    w.bind(q);
    while (q.step())
      if (!q.is_null(0)) durations.push_back(q.integer(0));
  }
  std::sort(durations.begin(), durations.end());
  out["median_ms_to_outcome"] = durations.empty() ? json(nullptr) : json(durations[durations.size() / 2]);
  // Funnel: how many conversations reached each node, and where the abandoned ones stopped.
  json reached = json::object(), abandoned = json::object();
  {
    // Staff-side turns are logged under the pseudo-node "handoff": not a step of the dialog.
    store::Query q(db, "SELECT t.node, COUNT(DISTINCT t.conversation_id) FROM turns t WHERE t.direction = 'out' AND t.node <> 'handoff' AND "
                                    "t.conversation_id IN (SELECT c.id" + from + ") GROUP BY t.node ORDER BY 2 DESC");
    w.bind(q);
    while (q.step()) reached[q.text(0)] = q.integer(1);
  }
  {
    store::Query q(db, "SELECT " + store::sql_json_text(db, "c.state", "current") + ", COUNT(*)" + from + " AND c.status = 'abandoned' GROUP BY 1 ORDER BY 2 DESC");
    w.bind(q);
    while (q.step()) abandoned[q.text(0)] = q.integer(1);
  }
  out["funnel"] = {{"reached", reached}, {"abandoned_at", abandoned}};
  // Who uses it: the practitioner's own answer, or on a call the caller's role the worker noted.
  out["by_agency"] = count_by("COALESCE(c.agency, (SELECT p3.caller_role FROM phone_calls p3 WHERE p3.conversation_id = c.id))");
  out["by_work_area"] = count_by("c.work_area");
  // When it is used, in the server's local time (Europe/London where the partnership runs it):
  // hour 00-23, weekday 0 (Sunday) to 6, and outside office hours (before 9, from 17, weekends).
  const std::string hour = local_time(db, "c.started_at", "hour"), weekday = local_time(db, "c.started_at", "weekday");
  out["by_hour"] = count_by(hour);
  out["by_weekday"] = count_by(weekday);
  {
    store::Query q(db, "SELECT COUNT(*)" + from + " AND (" + weekday + " IN ('0', '6') OR CAST(" + hour + " AS INTEGER) NOT BETWEEN 9 AND 16)");
    w.bind(q);
    q.step();
    out["out_of_hours"] = q.integer(0);
  }
  out["handoffs"] = handoff_stats(db, from, w);
  out["phone"] = phone_stats(db, from, w);
  out["filter"] = f.to_json();
  return out;
}

}  // namespace rc::staff
