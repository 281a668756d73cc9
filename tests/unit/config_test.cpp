#include <doctest/doctest.h>

#include "server/config.hpp"

using namespace rc;

TEST_CASE("an empty configuration gives the safe embedded defaults") {
  auto c = parse_config("{}", "c.json");
  REQUIRE(c.ok());
  CHECK(c->listen_address == "127.0.0.1");
  CHECK(c->port == 8080);
  CHECK(c->db_path == "rightconv.db");
  CHECK(c->limits.max_frame_bytes == 65536);
}

TEST_CASE("every bad key is reported with its path and why - and nothing starts") {
  auto c = parse_config(R"({"listen": "127.0.0.1:99999", "limits": {"max_frame_bytes": "lots", "idle_timeout_seconds": -1},
                           "logging": {"format": "xml"}, "colour": "blue"})", "site.json");
  REQUIRE_FALSE(c.ok());
  const std::string m = c.error().message;
  CAPTURE(m);
  CHECK(m.find("site.json: listen: port must be a number from 0 to 65535") != std::string::npos);
  CHECK(m.find("limits.max_frame_bytes: expected a positive integer up to 16777216, got \"lots\"") != std::string::npos);
  CHECK(m.find("limits.idle_timeout_seconds: expected a positive integer") != std::string::npos);
  CHECK(m.find("logging.format: expected one of text, json, got \"xml\"") != std::string::npos);
  CHECK(m.find("colour: unknown setting") != std::string::npos);
}

TEST_CASE("broken JSON names the file and where it broke") {
  auto c = parse_config("{\"listen\": ", "broken.json");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().describe().find("broken.json") != std::string::npos);
  CHECK(c.error().message.find("not valid JSON") != std::string::npos);
}

TEST_CASE("listen addresses") {
  CHECK(parse_listen("0.0.0.0:80", "127.0.0.1")->first == "0.0.0.0");
  CHECK(parse_listen(":9000", "127.0.0.1")->first == "127.0.0.1");
  CHECK(parse_listen("[::1]:9000", "127.0.0.1")->first == "::1");
  CHECK_FALSE(parse_listen("localhost", "127.0.0.1").ok());
  CHECK_FALSE(parse_listen("h:80x", "127.0.0.1").ok());
}

TEST_CASE("config/rightconv.json writes out exactly the embedded defaults") {
  auto file = load_config_file(std::string(RC_SOURCE_DIR) + "/config/rightconv.json");
  REQUIRE(file.ok());
  Config defaults;
  CHECK(file->listen_address == defaults.listen_address);
  CHECK(file->port == defaults.port);
  CHECK(file->db_path == defaults.db_path);
  CHECK(file->dialogs == defaults.dialogs);
  CHECK(file->content == defaults.content);
  CHECK(file->web_root == defaults.web_root);
  CHECK(file->group_commit_max == defaults.group_commit_max);
  CHECK(file->limits.max_frame_bytes == defaults.limits.max_frame_bytes);
  CHECK(file->limits.max_messages_per_second == defaults.limits.max_messages_per_second);
  CHECK(file->limits.burst_messages == defaults.limits.burst_messages);
  CHECK(file->limits.flood_close_after == defaults.limits.flood_close_after);
  CHECK(file->limits.idle_timeout_seconds == defaults.limits.idle_timeout_seconds);
  CHECK(file->limits.max_connections == defaults.limits.max_connections);
  CHECK(file->limits.max_queued_messages == defaults.limits.max_queued_messages);
  CHECK(file->logging.level == defaults.logging.level);
  CHECK(file->logging.format == defaults.logging.format);
  CHECK(file->staff_address == defaults.staff_address);
  CHECK(file->staff_port == defaults.staff_port);
  CHECK(file->console_address == defaults.console_address);
  CHECK(file->console_port == defaults.console_port);
  CHECK(file->handoff.accept_timeout_seconds == defaults.handoff.accept_timeout_seconds);
  CHECK(file->handoff.outbox_workers == defaults.handoff.outbox_workers);
  CHECK(file->handoff.outbox_poll_seconds == defaults.handoff.outbox_poll_seconds);
  CHECK(file->handoff.connectors == defaults.handoff.connectors);
  REQUIRE(file->handoff.routes.size() == defaults.handoff.routes.size());
  for (std::size_t i = 0; i < defaults.handoff.routes.size(); ++i) {
    const auto &a = file->handoff.routes[i], &b = defaults.handoff.routes[i];
    CAPTURE(b.name);
    CHECK(a.name == b.name);
    CHECK(a.outcome == b.outcome);
    CHECK(a.area == b.area);
    CHECK(a.urgent == b.urgent);
    CHECK(a.contacts_only == b.contacts_only);
    CHECK(a.queue == b.queue);
    CHECK(a.connectors == b.connectors);
    CHECK(a.contacts == b.contacts);
  }
  CHECK(file->staff_token_days == defaults.staff_token_days);
  CHECK(file->retention.free_text_days == defaults.retention.free_text_days);
  CHECK(file->retention.free_text_handed_off_days == defaults.retention.free_text_handed_off_days);
  CHECK(file->retention.abandoned_days == defaults.retention.abandoned_days);
  CHECK(file->retention.resume_token_hours == defaults.retention.resume_token_hours);
  CHECK(file->retention.record_days == defaults.retention.record_days);
  CHECK(file->retention.audit_days == defaults.retention.audit_days);
  CHECK(load_config_file(std::string(RC_SOURCE_DIR) + "/config/example.deployment.json").ok());
}

TEST_CASE("handoff configuration errors name their key") {
  struct Case { const char* json; const char* expected; };
  const Case cases[] = {
      {R"({"handoff": {"accept_timeout_seconds": 0}})", "handoff.accept_timeout_seconds: expected a whole number from 1 to 86400"},
      {R"({"handoff": {"routes": []}})", "handoff.routes: expected a non-empty list of routes"},
      {R"({"handoff": {"routes": [{"name": "a", "connectors": ["crm"], "contacts": ["hub_east"]}]}})", "names connector \"crm\", which handoff.connectors does not define"},
      {R"({"handoff": {"routes": [{"name": "a", "contacts": ["hub_east"]}]}})", "handoff.routes[0].connectors: give at least one connector, or set contacts_only"},
      {R"({"handoff": {"routes": [{"name": "a", "contacts_only": true}]}})", "handoff.routes[0].contacts: give at least one contact id"},
      {R"({"handoff": {"routes": [{"name": "a", "queue": "north", "contacts_only": true, "contacts": ["x"]}]}})", "handoff.routes[0].queue: expected east, west, south or any"},
      {R"({"handoff": {"routes": [{"name": "a", "match": {"area": "north"}, "contacts_only": true, "contacts": ["x"]}]}})", "handoff.routes[0].match.area: expected east, west or south"},
      {R"({"handoff": {"routes": [{"match": {}, "contacts_only": true, "contacts": ["x"]}]}})", "handoff.routes[0].name: missing"},
      {R"({"handoff": {"connectors": {"crm": {"url": "x"}}}})", "handoff.connectors.crm.type: missing"},
      {R"({"handoff": {"queue": 1}})", "handoff.queue: unknown key"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.json);
    auto parsed = parse_config(c.json, "site.json");
    REQUIRE_FALSE(parsed.ok());
    CHECK_MESSAGE(parsed.error().message.find(c.expected) != std::string::npos, parsed.error().message);
  }
}
