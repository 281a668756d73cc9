// The "voice" section of the server configuration (src/voice/voice_config).
#include <doctest/doctest.h>

#include <cstdlib>

#include "cli/config.hpp"

using namespace rc;

namespace {

std::string errors_of(const std::string& text) {
  auto c = parse_config(text, "site.json");
  return c.ok() ? std::string() : c.error().message;
}

}  // namespace

TEST_CASE("voice is off by default with en-GB and no dialling") {
  auto c = parse_config("{}", "c.json");
  REQUIRE(c.ok());
  CHECK_FALSE(c->voice.enabled);
  CHECK_FALSE(c->voice.dial);
  CHECK(c->voice.language == "en-GB");
  CHECK(c->voice.voice.empty());
  CHECK(c->voice.auth_token.empty());
}

TEST_CASE("a complete voice section is read and the trailing slash of the URL dropped") {
  auto c = parse_config(R"({"voice": {"enabled": true, "public_base_url": "https://rightconv.example.org/calls/", "auth_token": "s3cret",
                                      "dial": true, "language": "en-US", "voice": "Polly.Amy"}})", "c.json");
  REQUIRE(c.ok());
  CHECK(c->voice.enabled);
  CHECK(c->voice.public_base_url == "https://rightconv.example.org/calls");
  CHECK(c->voice.auth_token == "s3cret");
  CHECK(c->voice.dial);
  CHECK(c->voice.language == "en-US");
  CHECK(c->voice.voice == "Polly.Amy");
}

TEST_CASE("enabled voice needs a public URL and a token - each error names its key") {
  const std::string m = errors_of(R"({"voice": {"enabled": true}})");
  CAPTURE(m);
  CHECK(m.find("site.json: voice.public_base_url: required when voice.enabled is true") != std::string::npos);
  CHECK(m.find("site.json: voice.auth_token: required when voice.enabled is true") != std::string::npos);
}

TEST_CASE("the public URL must be https except on the loopback") {
  const std::string m = errors_of(R"({"voice": {"enabled": true, "auth_token": "t", "public_base_url": "http://rightconv.example.org"}})");
  CHECK(m.find("voice.public_base_url: expected an https:// URL (http:// only for 127.0.0.1 or localhost)") != std::string::npos);
  CHECK(m.find("got \"http://rightconv.example.org\"") != std::string::npos);
  CHECK(errors_of(R"({"voice": {"enabled": true, "auth_token": "t", "public_base_url": "http://127.0.0.1:8080"}})").empty());
  CHECK(errors_of(R"({"voice": {"enabled": true, "auth_token": "t", "public_base_url": "http://localhost"}})").empty());
  CHECK_FALSE(errors_of(R"({"voice": {"public_base_url": "https://x.org/?a=1"}})").empty());
  CHECK_FALSE(errors_of(R"({"voice": {"public_base_url": "https://"}})").empty());
  CHECK_FALSE(errors_of(R"({"voice": {"public_base_url": "ftp://x.org"}})").empty());
  CHECK_FALSE(errors_of(R"({"voice": {"public_base_url": "http://127.0.0.1.evil.org"}})").empty());
}

TEST_CASE("the token can come from an environment variable and is never echoed") {
  ::setenv("RC_TEST_VOICE_TOKEN", "from-the-environment", 1);
  auto c = parse_config(R"({"voice": {"enabled": true, "public_base_url": "https://x.org", "auth_token_env": "RC_TEST_VOICE_TOKEN"}})", "c.json");
  REQUIRE(c.ok());
  CHECK(c->voice.auth_token == "from-the-environment");
  ::unsetenv("RC_TEST_VOICE_TOKEN");
  CHECK(errors_of(R"({"voice": {"auth_token_env": "RC_TEST_VOICE_TOKEN"}})").find("voice.auth_token_env: the environment variable RC_TEST_VOICE_TOKEN is not set") !=
        std::string::npos);
  CHECK(errors_of(R"({"voice": {"auth_token": "a", "auth_token_env": "B"}})").find("voice.auth_token: give auth_token or auth_token_env, not both") !=
        std::string::npos);
  const std::string m = errors_of(R"({"voice": {"auth_token": ["secret-in-a-list"]}})");
  CHECK(m.find("voice.auth_token: expected non-empty text") != std::string::npos);
  CHECK(m.find("secret-in-a-list") == std::string::npos);
}

TEST_CASE("bad voice keys are reported one by one") {
  const std::string m = errors_of(R"({"voice": {"enabled": "yes", "dial": 1, "language": "en GB<", "voice": "", "colour": "blue"}})");
  CAPTURE(m);
  CHECK(m.find("voice.enabled: expected true or false, got \"yes\"") != std::string::npos);
  CHECK(m.find("voice.dial: expected true or false, got 1") != std::string::npos);
  CHECK(m.find("voice.language: expected a language tag such as en-GB") != std::string::npos);
  CHECK(m.find("voice.voice: expected non-empty text") != std::string::npos);
  CHECK(m.find("voice.colour: unknown setting") != std::string::npos);
  CHECK(errors_of(R"({"voice": "on"})").find("voice: expected an object") != std::string::npos);
}
