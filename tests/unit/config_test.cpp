#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "cli/config.hpp"

using namespace rc;

TEST_CASE("an empty configuration gives the safe embedded defaults") {
  auto c = parse_config("{}", "c.json");
  REQUIRE(c.ok());
  CHECK(c->server.listen_address == "127.0.0.1");
  CHECK(c->server.port == 8080);
  CHECK(c->db_path == "rightconv.db");
  CHECK(c->server.limits.max_frame_bytes == 65536);
  CHECK(c->db_sync == "full");  // an fsync per commit unless the deployment chooses otherwise
}

TEST_CASE("I/O threads: as configured, else one per core, at least one") {
  auto c = parse_config("{}", "c.json");
  REQUIRE(c.ok());
  CHECK(c->server.io_threads(0) == 1);  // the core count unknown
  CHECK(c->server.io_threads(1) == 1);
  CHECK(c->server.io_threads(2) == 2);
  CHECK(c->server.io_threads(8) == 8);
  auto set = parse_config(R"({"threads": 3})", "c.json");
  REQUIRE(set.ok());
  CHECK(set->server.io_threads(2) == 3);
  CHECK(set->server.io_threads(64) == 3);
}

TEST_CASE("db_sync is full or normal, nothing else") {
  CHECK(parse_config(R"({"db_sync": "normal"})", "c.json")->db_sync == "normal");
  auto bad = parse_config(R"({"db_sync": "off"})", "c.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("db_sync: expected \"full\" or \"normal\", not \"off\"") != std::string::npos);
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

TEST_CASE("a JSON syntax error says where, never the text around it (it may be a secret)") {
  const std::string text = "{\n  \"voice\": {\"auth_token\": \"s3cret-t0ken\" \"oops\": 1}\n}";
  auto c = parse_config(text, "secret.json");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("line 2") != std::string::npos);
  CHECK(c.error().describe().find("s3cret") == std::string::npos);
  CHECK(c.error().describe().find("oops") == std::string::npos);
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
  CHECK(file->server.listen_address == defaults.server.listen_address);
  CHECK(file->server.port == defaults.server.port);
  CHECK(file->db_path == defaults.db_path);
  CHECK(file->dialogs == defaults.dialogs);
  CHECK(file->content == defaults.content);
  CHECK(file->server.web_root == defaults.server.web_root);
  CHECK(file->group_commit_max == defaults.group_commit_max);
  CHECK(file->server.limits.max_frame_bytes == defaults.server.limits.max_frame_bytes);
  CHECK(file->server.limits.max_messages_per_second == defaults.server.limits.max_messages_per_second);
  CHECK(file->server.limits.burst_messages == defaults.server.limits.burst_messages);
  CHECK(file->server.limits.flood_close_after == defaults.server.limits.flood_close_after);
  CHECK(file->server.limits.idle_timeout_seconds == defaults.server.limits.idle_timeout_seconds);
  CHECK(file->server.limits.max_connections == defaults.server.limits.max_connections);
  CHECK(file->server.limits.max_queued_messages == defaults.server.limits.max_queued_messages);
  CHECK(file->logging.level == defaults.logging.level);
  CHECK(file->logging.format == defaults.logging.format);
  CHECK(file->staff_address == defaults.staff_address);
  CHECK(file->staff_port == defaults.staff_port);
  CHECK(file->server.console_address == defaults.server.console_address);
  CHECK(file->server.console_port == defaults.server.console_port);
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
  CHECK(file->server.embed.allowed_sites == defaults.server.embed.allowed_sites);
  CHECK(file->server.embed.launcher_label == defaults.server.embed.launcher_label);
  CHECK(file->server.embed.title == defaults.server.embed.title);
  CHECK(file->server.embed.colour == defaults.server.embed.colour);
  CHECK(file->server.embed.text_colour == defaults.server.embed.text_colour);
  CHECK(load_config_file(std::string(RC_SOURCE_DIR) + "/config/example.deployment.json").ok());
  CHECK(load_config_file(std::string(RC_SOURCE_DIR) + "/config/embed-demo.json").ok());
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

#include "http/address_list.hpp"

TEST_CASE("callback sources: exact addresses and IPv4 prefixes, a bad entry is an error naming it") {
  auto list = rc::http::AddressList::parse({"127.0.0.1", "::1", "10.20.0.0/16"});
  REQUIRE(list);
  CHECK(list.value().allows("127.0.0.1"));
  CHECK(list.value().allows("::1"));
  CHECK(list.value().allows("10.20.255.3"));
  CHECK_FALSE(list.value().allows("10.21.0.1"));
  CHECK_FALSE(list.value().allows("127.0.0.7"));
  auto bad = parse_config(R"({"handoff": {"callback_sources": ["10.0.0.0/40"]}})", "c.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("handoff.callback_sources") != std::string::npos);
  CHECK(bad.error().message.find("10.0.0.0/40") != std::string::npos);
  auto defaults = parse_config("{}", "c.json");
  REQUIRE(defaults.ok());
  CHECK(defaults.value().handoff.callback_sources == std::vector<std::string>{"127.0.0.1", "::1"});
}

// ---------- embed: the widget other sites add with a script tag ----------

#include "cli/colour_contrast.hpp"

TEST_CASE("embed defaults: no site may frame the chat, and the launcher reads plainly") {
  auto c = parse_config("{}", "c.json");
  REQUIRE(c.ok());
  CHECK(c->server.embed.allowed_sites.empty());
  CHECK(c->server.embed.launcher_label == "Worried about a child?");
  CHECK(c->server.embed.title == "Early help in Leeds");
  CHECK(contrast_ratio(*parse_hex_colour(c->server.embed.colour), *parse_hex_colour(c->server.embed.text_colour)) >= kMinimumTextContrast);
}

TEST_CASE("embed settings are read, and each site is listed once, in lower case") {
  auto c = parse_config(R"({"embed": {"allowed_sites": ["https://www.leedsscp.org.uk", "HTTPS://WWW.LeedsSCP.org.uk", "https://intranet.leeds.gov.uk:8443"],
                                      "launcher_label": "Need help with a worry?", "title": "Leeds early help", "colour": "#003078", "text_colour": "#FFFFFF"}})",
                        "site.json");
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  CHECK(c->server.embed.allowed_sites == std::vector<std::string>{"https://www.leedsscp.org.uk", "https://intranet.leeds.gov.uk:8443"});
  CHECK(c->server.embed.launcher_label == "Need help with a worry?");
  CHECK(c->server.embed.title == "Leeds early help");
  CHECK(c->server.embed.colour == "#003078");
  CHECK(c->server.embed.text_colour == "#FFFFFF");
}

TEST_CASE("the sites that may embed the chat may also open its WebSocket: the operator lists them once") {
  auto c = parse_config(R"({"limits": {"allowed_origins": ["https://staff.rightconv.example:8081", "https://www.leedsscp.org.uk"]},
                           "embed": {"allowed_sites": ["https://www.leedsscp.org.uk", "http://localhost:8000"]}})",
                        "c.json");
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  CHECK(c->server.limits.allowed_origins ==
        std::vector<std::string>{"https://staff.rightconv.example:8081", "https://www.leedsscp.org.uk", "http://localhost:8000"});
  // Only the embed sites frame the chat: an origin allowed for the WebSocket (the staff page) does not.
  CHECK(c->server.embed.allowed_sites == std::vector<std::string>{"https://www.leedsscp.org.uk", "http://localhost:8000"});
}

TEST_CASE("every bad embed key gets its own precise error") {
  struct Case { const char* json; const char* expected; };
  const Case cases[] = {
      {R"({"embed": []})", "embed: expected an object, got []"},
      {R"({"embed": {"colour_scheme": "dark"}})", "embed.colour_scheme: unknown setting"},
      {R"({"embed": {"allowed_sites": "https://www.leedsscp.org.uk"}})", "embed.allowed_sites: expected a list of text"},
      {R"({"embed": {"allowed_sites": ["www.leedsscp.org.uk"]}})",
       "embed.allowed_sites: \"www.leedsscp.org.uk\": expected an origin, scheme://host[:port], such as \"https://www.leedsscp.org.uk\""},
      {R"({"embed": {"allowed_sites": ["https://www.leedsscp.org.uk/"]}})",
       "embed.allowed_sites: \"https://www.leedsscp.org.uk/\": an origin has no path, query or trailing slash: write \"https://www.leedsscp.org.uk\""},
      {R"({"embed": {"allowed_sites": ["https://www.leedsscp.org.uk/early-help"]}})", "an origin has no path, query or trailing slash"},
      {R"({"embed": {"allowed_sites": ["https://www.leedsscp.org.uk:443"]}})",
       "\"https://www.leedsscp.org.uk:443\": leave out the default port (browsers send the origin without it): write \"https://www.leedsscp.org.uk\""},
      {R"({"embed": {"allowed_sites": ["https://www.leedsscp.org.uk:99999"]}})", "the port must be a number from 1 to 65535"},
      {R"({"embed": {"allowed_sites": ["https://www.leedsscp.org.uk:"]}})", "the port must be a number from 1 to 65535"},
      {R"({"embed": {"allowed_sites": ["https://*.leeds.gov.uk"]}})", "\"https://*.leeds.gov.uk\": wildcards are not allowed: list each site"},
      {R"({"embed": {"allowed_sites": ["https://user@www.leedsscp.org.uk"]}})", "an origin has no user name or password"},
      {R"({"embed": {"allowed_sites": ["https://www.leeds scp.org.uk"]}})", "\"www.leeds scp.org.uk\" is not a host name"},
      {R"({"embed": {"allowed_sites": ["https://'none'"]}})", "is not a host name"},
      {R"({"embed": {"allowed_sites": ["ftp://www.leedsscp.org.uk"]}})", "\"ftp://www.leedsscp.org.uk\": the scheme must be https"},
      {R"({"embed": {"allowed_sites": ["http://www.leedsscp.org.uk"]}})",
       "\"http://www.leedsscp.org.uk\": a site must use https (http:// only for localhost, 127.0.0.1 and [::1]"},
      {R"({"embed": {"launcher_label": ""}})", "embed.launcher_label: expected text of 1 to 40 characters, got \"\""},
      {R"({"embed": {"launcher_label": "Worried about a child or young person in Leeds today?"}})", "embed.launcher_label: expected text of 1 to 40 characters"},
      {R"({"embed": {"title": 7}})", "embed.title: expected text of 1 to 60 characters, got 7"},
      {R"({"embed": {"colour": "blue"}})", "embed.colour: expected a colour as #rrggbb, got \"blue\""},
      {R"({"embed": {"text_colour": "#fff"}})", "embed.text_colour: expected a colour as #rrggbb, got \"#fff\""},
      {R"({"embed": {"colour": "#12345g"}})", "embed.colour: expected a colour as #rrggbb, got \"#12345g\""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.json);
    auto parsed = parse_config(c.json, "site.json");
    REQUIRE_FALSE(parsed.ok());
    CHECK_MESSAGE(parsed.error().message.find(c.expected) != std::string::npos, parsed.error().message);
    CHECK(parsed.error().message.rfind("site.json: ", 0) == 0);
  }
}

TEST_CASE("sites that are origins are accepted, IPv6 and this machine's http included") {
  for (const char* site : {"https://www.leedsscp.org.uk", "https://intranet.leeds.gov.uk:8443", "http://localhost:8000", "http://127.0.0.1:8000",
                           "http://[::1]:8000", "https://[2001:db8::1]"}) {
    CAPTURE(site);
    auto c = parse_config(std::string(R"({"embed": {"allowed_sites": [")") + site + "\"]}}", "c.json");
    CHECK_MESSAGE(c.ok(), c.error().message);
  }
}

TEST_CASE("launcher colours below WCAG's 4.5:1 are refused, naming both keys") {
  // #767676 on white is 4.54:1, the palest grey that passes; #777777 is 4.48:1.
  CHECK(parse_config(R"({"embed": {"colour": "#767676", "text_colour": "#ffffff"}})", "c.json").ok());
  auto pale = parse_config(R"({"embed": {"colour": "#777777", "text_colour": "#ffffff"}})", "site.json");
  REQUIRE_FALSE(pale.ok());
  CHECK(pale.error().message ==
        "site.json: embed.colour, embed.text_colour: #ffffff text on #777777 has a contrast ratio of 4.47:1, below the 4.5:1 WCAG 2.2 AA asks for "
        "text: darken embed.colour or change embed.text_colour");
  // Only the pair matters: the default blue with a new text colour is checked too.
  auto yellow = parse_config(R"({"embed": {"text_colour": "#ffdd00"}})", "site.json");
  REQUIRE_FALSE(yellow.ok());
  CHECK(yellow.error().message.find("#ffdd00 text on #1d70b8 has a contrast ratio of") != std::string::npos);
  // A colour that is not a colour is one error, not a contrast error as well.
  auto bad = parse_config(R"({"embed": {"colour": "white"}})", "site.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("contrast") == std::string::npos);
}

TEST_CASE("contrast ratios follow WCAG's definition") {
  const auto ratio = [](const char* a, const char* b) { return contrast_ratio(*parse_hex_colour(a), *parse_hex_colour(b)); };
  CHECK(ratio("#000000", "#ffffff") == doctest::Approx(21.0));
  CHECK(ratio("#ffffff", "#000000") == doctest::Approx(21.0));
  CHECK(ratio("#1d70b8", "#1d70b8") == doctest::Approx(1.0));
  CHECK(ratio("#1d70b8", "#ffffff") == doctest::Approx(5.17).epsilon(0.01));
  CHECK(ratio("#767676", "#FFFFFF") == doctest::Approx(4.54).epsilon(0.01));
  CHECK_FALSE(parse_hex_colour("#fff"));
  CHECK_FALSE(parse_hex_colour("1d70b8"));
  CHECK_FALSE(parse_hex_colour("#1d70b8 "));
}

TEST_CASE("an installed binary finds its data in the package's places, and any other build uses the working directory") {
  namespace fs = std::filesystem;
  const fs::path prefix = fs::temp_directory_path() / ("rc_data_paths_" + std::to_string(::getpid()));
  fs::create_directories(prefix / "bin");
  const auto exe = (prefix / "bin" / "rightconv").string();
  auto plain = cli::data_paths_for(exe);  // no share/rightconv beside it: a build folder
  CHECK_FALSE(plain.installed);
  CHECK(plain.dialogs == "dialogs");
  CHECK(plain.db == "rightconv.db");
  fs::create_directories(prefix / "share" / "rightconv" / "dialogs");
  auto installed = cli::data_paths_for(exe);
  CHECK(installed.installed);
  CHECK(installed.dialogs == (prefix / "share" / "rightconv" / "dialogs").string());
  CHECK(installed.content == (prefix / "share" / "rightconv" / "content").string());
  CHECK(installed.web == (prefix / "share" / "rightconv" / "web").string());
  CHECK(installed.db == (prefix / "var" / "lib" / "rightconv" / "rightconv.db").string());
  CHECK_FALSE(cli::data_paths_for((prefix / "share" / "rightconv").string() + "/rightconv").installed);  // not in a bin folder
  fs::remove_all(prefix);
  // This test binary is not an installed rightconv: the defaults are the checkout's.
  CHECK(Config{}.dialogs == std::vector<std::string>{"dialogs"});
  CHECK(Config{}.server.web_root == "web");
}
