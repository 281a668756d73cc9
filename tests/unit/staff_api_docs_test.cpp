// The staff API's OpenAPI document (docs/staff-api.openapi.yaml) and its routes agree: every
// documented path and method reaches a handler, and every route is documented.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/yaml_tree.hpp"
#include "handoff/connector.hpp"
#include "shipped.hpp"
#include "staff/staff_api.hpp"

using namespace rc;

namespace {

// A concrete path for a documented template: ids and names filled in.
std::string example_of(std::string path) {
  for (const auto& [name, value] : {std::pair<std::string, std::string>{"{id}", "0123456789abcdef0123456789ab"}, {"{type}", "webhook"}, {"{name}", "crm"}})
    for (auto at = path.find(name); at != std::string::npos; at = path.find(name)) path.replace(at, name.size(), value);
  return path;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("the OpenAPI lists every staff route, and every documented route answers") {
  std::ifstream in(test::source_path("docs/staff-api.openapi.yaml"));
  std::stringstream text;
  text << in.rdbuf();
  auto doc = parse_yaml(text.str());
  REQUIRE(doc);
  const YamlValue* paths = doc.value().find("paths");
  REQUIRE(paths);

  const std::string db = (std::filesystem::temp_directory_path() / "openapi-routes.db").string();
  store::GroupCommitWriter writer({db, false, 1000, 16});
  Metrics metrics;
  staff::SignInGuard sign_ins(metrics);
  staff::StaffApi api(staff::StaffApiSettings{store::ReadConnections::sqlite(db), "web", [] { return std::int64_t{0}; }}, writer, nullptr, sign_ins);
  handoff::ConnectorSet connectors;
  api.serve_connectors(&connectors, nullptr, 8082, http::AddressList::parse({"127.0.0.1"}).value());
  api.serve_call_page(8080);

  std::vector<std::pair<std::string, std::string>> documented;  // (METHOD, example path)
  for (const auto& [path, item] : paths->entries)
    for (const auto& [method, operation] : item.entries)
      if (method.scalar != "parameters") documented.emplace_back(upper(method.scalar), example_of(path.scalar));
  REQUIRE(documented.size() >= 15);

  for (const auto& [method, path] : documented) {
    CAPTURE(method);
    CAPTURE(path);
    CHECK(api.router().routes_to(method, path));
  }
  for (const auto& [method, pattern] : api.router().routes()) {
    CAPTURE(method);
    CAPTURE(pattern);
    const std::regex route(pattern);  // our own patterns against our own docs: no user text here
    bool listed = false;
    for (const auto& [m, path] : documented) listed = listed || (m == method && std::regex_match(path, route));
    CHECK(listed);
  }
}
