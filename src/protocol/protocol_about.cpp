// The chat protocol's "about" message (docs/protocol.md, "About the practitioner"): where the
// practitioner works and their agency, each optional. It decides which hub's review sees the
// conversation (docs/staff-scope.md) and who uses the service; it never changes the route.
#include <algorithm>
#include <array>
#include <string_view>

#include "protocol.hpp"

namespace rc::protocol {
namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 4> kWorkAreas{"east", "west", "south", "unsaid"};
constexpr std::array<std::string_view, 10> kAgencies{"school", "early_years", "health", "gp", "police",
                                                     "youth_service", "voluntary_sector", "adult_services", "other", "unsaid"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

template <std::size_t N>
std::string listed(const std::array<std::string_view, N>& values) {
  std::string out;
  for (auto v : values) out += (out.empty() ? "" : ", ") + std::string(v);
  return out;
}

// A field that may be left out; when given it must be one of `values`.
template <std::size_t N>
std::optional<Error> read_choice(const json& j, const char* key, const std::array<std::string_view, N>& values, std::string& out,
                                 const std::optional<std::string>& ref) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string() || !one_of(values, it->get<std::string>()))
    return Error{"bad_message", "\"" + std::string(key) + "\" must be one of " + listed(values) + ".", ref};
  out = it->get<std::string>();
  return std::nullopt;
}

}  // namespace

bool is_work_area(const std::string& v) { return one_of(kWorkAreas, v); }
bool is_agency(const std::string& v) { return one_of(kAgencies, v); }

std::optional<std::variant<Command, Error>> parse_about_command(const std::string& type, const json& j, const std::optional<std::string>& ref) {
  if (type != "about") return std::nullopt;
  AboutMsg m;
  if (auto e = read_choice(j, "work_area", kWorkAreas, m.work_area, ref)) return *e;
  if (auto e = read_choice(j, "agency", kAgencies, m.agency, ref)) return *e;
  if (m.work_area.empty() && m.agency.empty()) return Error{"bad_message", "\"about\" needs \"work_area\" or \"agency\" (or both).", ref};
  return Command{std::move(m)};
}

json about_json(const AboutMsg& m) {
  json j{{"type", "about"}};
  if (!m.work_area.empty()) j["work_area"] = m.work_area;
  if (!m.agency.empty()) j["agency"] = m.agency;
  return j;
}

}  // namespace rc::protocol
