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

struct Filter {
  std::optional<std::int64_t> from, to;  // started_at range, ms
  std::string outcome, area, channel, status, review, text;
  bool alert = false;          // only conversations in which a safety alert fired
  std::string alert_category;  // ... in this harm category (physical_abuse...)
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

// scope_area: the only area visible ("" = all).
Page list_conversations(store::SqliteDb& db, const Filter& f, const std::string& scope_area);
// nullopt when the conversation does not exist or is outside the scope (the caller says 404 to both).
std::optional<nlohmann::json> transcript(store::SqliteDb& db, const std::string& id, const std::string& scope_area);
std::string export_csv(store::SqliteDb& db, Filter f, const std::string& scope_area, bool include_turns);
nlohmann::json stats(store::SqliteDb& db, const Filter& f, const std::string& scope_area);
bool conversation_visible(store::SqliteDb& db, const std::string& id, const std::string& scope_area);

std::string iso_time(std::int64_t ms);

}  // namespace rc::staff
