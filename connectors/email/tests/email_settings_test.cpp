// The email connector's settings: defaults, and one error per bad key that names the key.
#include <doctest/doctest.h>

#include <cstdlib>

#include "email/email_connector.hpp"
#include "email/email_settings.hpp"

using nlohmann::json;
using namespace rc::handoff;

namespace {

json valid() {
  return {{"type", "email"}, {"url", "smtp://smtp.example.org:587"}, {"username", "rightconv"}, {"password", "hunter2-secret"},
          {"from", "rightconv@example.org"}, {"to", {"east.hub@example.org"}}};
}

json with(json s, const std::string& key, json value) {
  if (value.is_null()) s.erase(key);
  else s[key] = std::move(value);
  return s;
}

}  // namespace

TEST_CASE("email: valid settings get the documented defaults") {
  auto s = parse_email_settings("east_email", valid(), "site.json");
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().describe()));
  CHECK(s->common.events == std::set<std::string>{"requested"});
  CHECK_FALSE(s->common.include_free_text);
  CHECK(s->smtp.require_tls);
  CHECK(s->smtp.timeout_seconds == 30);
  CHECK(s->smtp.ca_file.empty());
  CHECK(s->smtp.username == "rightconv");
  CHECK(s->smtp.password == "hunter2-secret");
  CHECK(s->message.subject_prefix == "rightconv");
  CHECK(s->message.to == std::vector<std::string>{"east.hub@example.org"});
  CHECK(s->host == "smtp.example.org");
}

TEST_CASE("email: the password can come from an environment variable") {
  ::setenv("RC_EMAIL_TEST_PASSWORD", "from-env", 1);
  auto s = parse_email_settings("east_email", with(with(valid(), "password", nullptr), "password_env", "RC_EMAIL_TEST_PASSWORD"), "");
  REQUIRE(s.ok());
  CHECK(s->smtp.password == "from-env");
}

TEST_CASE("email: no username means no AUTH and no password") {
  auto s = parse_email_settings("east_email", with(with(valid(), "username", nullptr), "password", nullptr), "");
  REQUIRE(s.ok());
  CHECK(s->smtp.username.empty());
}

TEST_CASE("email: starttls none is allowed for a relay on this host") {
  for (const char* url : {"smtp://127.0.0.1:25", "smtp://localhost:25", "smtp://[::1]:25"}) {
    auto s = parse_email_settings("east_email", with(with(valid(), "url", url), "starttls", "none"), "");
    CHECK_MESSAGE(s.ok(), std::string(url));
    if (s.ok()) CHECK_FALSE(s->smtp.require_tls);
  }
}

TEST_CASE("email: each bad setting is an error that names its key and never shows the password") {
  struct Case {
    json settings;
    const char* key;
  };
  ::unsetenv("RC_EMAIL_TEST_UNSET");
  const Case cases[] = {
      {with(valid(), "url", nullptr), ".url: missing"},
      {with(valid(), "url", 25), ".url: expected"},
      {with(valid(), "url", "https://smtp.example.org"), ".url: expected"},
      {with(valid(), "url", "smtp.example.org:587"), ".url: expected"},
      {with(valid(), "url", "smtp://user:hunter2-secret@smtp.example.org"), ".url: put the credentials"},
      {with(valid(), "url", "smtp://smtp.example.org/?x=1"), ".url: no query"},
      {with(valid(), "username", ""), ".username: expected"},
      {with(valid(), "password", nullptr), ".password: missing"},
      {with(with(valid(), "password", nullptr), "password_env", "RC_EMAIL_TEST_UNSET"), ".password_env: the environment variable"},
      {with(valid(), "username", nullptr), ".password: given without a username"},
      {with(valid(), "from", nullptr), ".from: missing"},
      {with(valid(), "from", "rightconv"), ".from: expected an email address"},
      {with(valid(), "to", nullptr), ".to: expected a list of email addresses"},
      {with(valid(), "to", "east.hub@example.org"), ".to: expected a list of email addresses"},
      {with(valid(), "to", json::array()), ".to: expected a list of email addresses"},
      {with(valid(), "to", {"east.hub@example.org", "not an address"}), ".to: expected a list of email addresses"},
      {with(valid(), "starttls", "maybe"), ".starttls: expected \"required\" or \"none\""},
      {with(valid(), "starttls", "none"), ".starttls: \"none\" is only allowed for a relay on this host"},
      {with(with(valid(), "url", "smtps://127.0.0.1:465"), "starttls", "none"), ".starttls: \"none\" does not apply to smtps://"},
      {with(valid(), "ca_file", "/nonexistent/ca.pem"), ".ca_file: cannot read"},
      {with(valid(), "ca_file", ""), ".ca_file: expected"},
      {with(valid(), "timeout_seconds", 0), ".timeout_seconds: expected"},
      {with(valid(), "timeout_seconds", "30"), ".timeout_seconds: expected"},
      {with(valid(), "timeout_seconds", 601), ".timeout_seconds: expected"},
      {with(valid(), "subject_prefix", "hub\r\nBcc: x@y"), ".subject_prefix: expected"},
      {with(valid(), "subject_prefix", ""), ".subject_prefix: expected"},
      {with(valid(), "events", {"nonsense"}), ".events: unknown event kind"},
      {with(valid(), "include_free_text", "yes"), ".include_free_text: expected"},
      {with(valid(), "retry", {{"initial_seconds", -1}}), ".retry.initial_seconds: expected"},
      {with(valid(), "bcc", "x@example.org"), ".bcc: unknown key"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.key);
    auto s = parse_email_settings("east_email", c.settings, "site.json");
    REQUIRE_FALSE(s.ok());
    const std::string message = s.error().describe();
    CHECK(message.rfind("site.json: handoff.connectors.east_email" + std::string(c.key), 0) == 0);
    CHECK(message.find("hunter2-secret") == std::string::npos);
  }
}

TEST_CASE("email: the factory refuses bad settings and makes a connector that wants only requested events by default") {
  ConnectorContext ctx;
  ctx.name = "east_email";
  ctx.type = "email";
  ctx.settings = with(valid(), "to", nullptr);
  auto bad = make_email_connector(ctx);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "handoff.connectors.east_email.to: expected a list of email addresses");

  ctx.settings = valid();
  auto good = make_email_connector(ctx);
  REQUIRE(good.ok());
  CHECK(good.value()->wants("requested"));
  for (const char* kind : {"message", "accepted", "cancelled", "ended"}) CHECK_FALSE(good.value()->wants(kind));
  CHECK_FALSE(good.value()->includes_free_text());
}
