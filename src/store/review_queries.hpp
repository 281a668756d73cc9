// Read-only queries behind the staff API: the filtered list, one transcript, the CSV export
// and the stats. Every query is limited to the caller's scope (a hub's area, or everything).
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/sqlite_db.hpp"

namespace rc::staff {

// Who is asking, for the one scope rule (review_queries.cpp, kScopeRule; docs/staff-scope.md):
// a hub member sees the conversations that belong to their hub (an area given at any point,
// "I work in", a call or handoff taken by the hub), and those with an open handoff waiting in
// their hub's queue or accepted by them; an empty area (leeds-wide, admin, tools) sees everything.
struct Scope {
  std::string area;      // "east", "west", "south"; "" for everything
  std::string staff_id;  // for handoffs they accepted
};

struct Filter {
  std::optional<std::int64_t> from, to;  // started_at range, ms
  std::string outcome, area, channel, status, review, text;
  std::string reference;       // the conversation's readable reference ("EH-7KQ2-M9XD"), or the id of one from before them
  bool alert = false;          // only conversations in which a safety alert fired
  std::string alert_category;  // ... in this harm category (physical_abuse...)
  std::string wrapped_up;      // "yes" / "no": phone calls wrapped up or not ("" any conversation)
  std::string cursor;  // from the previous page's next_cursor
  int limit = 50;

  nlohmann::json to_json() const;  // for the audit log
};

// Builds a filter from query parameters; an error names the bad parameter.
Result<Filter> parse_filter(const std::multimap<std::string, std::string>& params);

struct Page {
  nlohmann::json items = nlohmann::json::array();
  std::string next_cursor;  // empty on the last page
};

Page list_conversations(store::Db& db, const Filter& f, const Scope& scope);
// nullopt when the conversation does not exist or is outside the scope (the caller says 404 to both).
std::optional<nlohmann::json> transcript(store::Db& db, const std::string& id, const Scope& scope);
std::string export_csv(store::Db& db, Filter f, const Scope& scope, bool include_turns);
nlohmann::json stats(store::Db& db, const Filter& f, const Scope& scope);
bool conversation_visible(store::Db& db, const std::string& id, const Scope& scope);

std::string iso_time(std::int64_t ms);

}  // namespace rc::staff
