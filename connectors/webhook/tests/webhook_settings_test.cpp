// The webhook connector's settings: defaults, and one error per bad key that names the key.
#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>
#include <vector>

#include "independent_signer.hpp"
#include "webhook/webhook_connector.hpp"
#include "webhook/webhook_settings.hpp"

using namespace rc::handoff;
using rc::handoff::webhook::parse_webhook_settings;
namespace wt = rc::handoff::webhook_test;

namespace {

nlohmann::json good_settings() {
  return {{"type", "webhook"}, {"url", "https://crm.example.org/hooks/rightconv"}, {"secret", wt::kSecret}};
}

// The error for these settings, which must name the key (and never show the secret).
std::string error_for(const nlohmann::json& settings) {
  auto parsed = parse_webhook_settings("crm", settings, "site.json");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().file == "site.json");
  CHECK(parsed.error().message.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS") == std::string::npos);
  return parsed.error().message;
}

}  // namespace

TEST_CASE("webhook settings take defaults for everything but url and secret") {
  auto s = parse_webhook_settings("crm", good_settings(), "site.json");
  REQUIRE(s);
  CHECK(s->url == "https://crm.example.org/hooks/rightconv");
  CHECK(s->key == wt::raw_key(wt::kSecret));
  CHECK(s->callback_key == s->key);
  CHECK(s->timeout_seconds == 10);
  CHECK_FALSE(s->common.include_free_text);
  CHECK(s->common.events == std::set<std::string>{"requested", "message", "accepted", "cancelled", "ended"});
}

TEST_CASE("webhook settings read a separate callback secret and the common keys") {
  auto j = good_settings();
  j["callback_secret"] = wt::kOtherSecret;
  j["timeout_seconds"] = 3;
  j["include_free_text"] = true;
  j["events"] = {"requested", "message"};
  j["url"] = "http://127.0.0.1:9000/x?token=abc";
  auto s = parse_webhook_settings("crm", j, "site.json");
  REQUIRE(s);
  CHECK(s->callback_key == "secret-for-the-callbacks!");
  CHECK(s->timeout_seconds == 3);
  CHECK(s->common.include_free_text);
  CHECK(s->common.events == std::set<std::string>{"requested", "message"});
}

TEST_CASE("webhook secrets may come from environment variables") {
  ::setenv("RC_WEBHOOK_TEST_SECRET", wt::kSecret.c_str(), 1);
  ::setenv("RC_WEBHOOK_TEST_CALLBACK_SECRET", wt::kOtherSecret.c_str(), 1);
  auto j = good_settings();
  j.erase("secret");
  j["secret_env"] = "RC_WEBHOOK_TEST_SECRET";
  j["callback_secret_env"] = "RC_WEBHOOK_TEST_CALLBACK_SECRET";
  auto s = parse_webhook_settings("crm", j, "site.json");
  REQUIRE(s);
  CHECK(s->key == wt::raw_key(wt::kSecret));
  CHECK(s->callback_key == "secret-for-the-callbacks!");

  ::setenv("RC_WEBHOOK_TEST_SECRET", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
  CHECK(error_for(j).rfind("handoff.connectors.crm.secret_env: expected \"whsec_\"", 0) == 0);
  ::unsetenv("RC_WEBHOOK_TEST_SECRET");
  CHECK(error_for(j).rfind("handoff.connectors.crm.secret_env: ", 0) == 0);
  ::unsetenv("RC_WEBHOOK_TEST_CALLBACK_SECRET");
}

TEST_CASE("each bad webhook setting gives an error naming its key") {
  struct Case {
    std::string what;
    std::function<void(nlohmann::json&)> change;
    std::string prefix;
  };
  const std::vector<Case> cases{
      {"missing url", [](auto& j) { j.erase("url"); }, "handoff.connectors.crm.url: missing"},
      {"url not a string", [](auto& j) { j["url"] = 42; }, "handoff.connectors.crm.url: expected an http:// or https:// URL"},
      {"ftp scheme", [](auto& j) { j["url"] = "ftp://crm.example.org/x"; }, "handoff.connectors.crm.url: expected an http:// or https:// URL"},
      {"no scheme", [](auto& j) { j["url"] = "crm.example.org/hooks"; }, "handoff.connectors.crm.url: expected an http:// or https:// URL"},
      {"no host", [](auto& j) { j["url"] = "http://:80/x"; }, "handoff.connectors.crm.url: not a valid URL"},
      {"space in url", [](auto& j) { j["url"] = "https://crm.example.org/a b"; }, "handoff.connectors.crm.url: not a valid URL"},
      {"missing secret", [](auto& j) { j.erase("secret"); }, "handoff.connectors.crm.secret: missing"},
      {"empty secret", [](auto& j) { j["secret"] = ""; }, "handoff.connectors.crm.secret: expected a non-empty string"},
      {"secret without whsec_", [](auto& j) { j["secret"] = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; }, "handoff.connectors.crm.secret: expected \"whsec_\""},
      {"secret bad base64", [](auto& j) { j["secret"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!"; }, "handoff.connectors.crm.secret: expected \"whsec_\""},
      {"secret and secret_env", [](auto& j) { j["secret_env"] = "X"; }, "handoff.connectors.crm.secret: give secret or secret_env"},
      {"callback secret bad", [](auto& j) { j["callback_secret"] = "whsec_???"; }, "handoff.connectors.crm.callback_secret: expected \"whsec_\""},
      {"timeout zero", [](auto& j) { j["timeout_seconds"] = 0; }, "handoff.connectors.crm.timeout_seconds: expected a whole number"},
      {"timeout text", [](auto& j) { j["timeout_seconds"] = "10"; }, "handoff.connectors.crm.timeout_seconds: expected a whole number"},
      {"timeout fraction", [](auto& j) { j["timeout_seconds"] = 2.5; }, "handoff.connectors.crm.timeout_seconds: expected a whole number"},
      {"timeout too long", [](auto& j) { j["timeout_seconds"] = 301; }, "handoff.connectors.crm.timeout_seconds: expected a whole number"},
      {"unknown key", [](auto& j) { j["secrets"] = "x"; }, "handoff.connectors.crm.secrets: unknown key"},
      {"bad events", [](auto& j) { j["events"] = {"requested", "opened"}; }, "handoff.connectors.crm.events: unknown event kind"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    auto j = good_settings();
    c.change(j);
    const std::string message = error_for(j);
    CHECK_MESSAGE(message.rfind(c.prefix, 0) == 0, message);
  }
}

TEST_CASE("the webhook factory builds a connector that wants its configured kinds") {
  ConnectorContext ctx;
  ctx.name = "crm";
  ctx.type = "webhook";
  ctx.now = [] { return Millis{1'700'000'000'000}; };
  ctx.settings = good_settings();
  ctx.settings["events"] = {"requested", "ended"};
  ctx.settings["include_free_text"] = true;
  auto made = make_webhook_connector(ctx);
  REQUIRE(made);
  CHECK(made.value()->wants("requested"));
  CHECK(made.value()->wants("ended"));
  CHECK_FALSE(made.value()->wants("message"));
  CHECK(made.value()->includes_free_text());

  ctx.settings.erase("url");
  auto refused = make_webhook_connector(ctx);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.rfind("handoff.connectors.crm.url: ", 0) == 0);
}
