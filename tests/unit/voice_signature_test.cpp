// The provider's request signature and the form encoding it covers (src/voice/twilio_signature,
// src/voice/form_encoding).
#include <doctest/doctest.h>

#include "http/form_encoding.hpp"
#include "voice/twilio_signature.hpp"

using namespace rc::voice;

namespace {

const FormFields kExampleParams = {
    {"CallSid", "CA1234567890ABCDE"}, {"Caller", "+14158675309"}, {"Digits", "1234"}, {"From", "+14158675309"}, {"To", "+18005551212"}};
const std::string kExampleUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

}  // namespace

TEST_CASE("the signature matches the provider's published example") {
  CHECK(twilio_signature("12345", kExampleUrl, kExampleParams) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST_CASE("parameters are signed sorted by name whatever order they were posted in") {
  FormFields shuffled(kExampleParams.rbegin(), kExampleParams.rend());
  CHECK(twilio_signature("12345", kExampleUrl, shuffled) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST_CASE("a signature is valid only for the same token and URL and parameters") {
  const std::string good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
  CHECK(is_valid_twilio_signature("12345", kExampleUrl, kExampleParams, good));
  CHECK_FALSE(is_valid_twilio_signature("12346", kExampleUrl, kExampleParams, good));
  CHECK_FALSE(is_valid_twilio_signature("12345", "http://mycompany.com/myapp.php?foo=1&bar=2", kExampleParams, good));
  FormFields changed = kExampleParams;
  changed[2].second = "1235";
  CHECK_FALSE(is_valid_twilio_signature("12345", kExampleUrl, changed, good));
  FormFields added = kExampleParams;
  added.emplace_back("SpeechResult", "yes");
  CHECK_FALSE(is_valid_twilio_signature("12345", kExampleUrl, added, good));
  CHECK_FALSE(is_valid_twilio_signature("12345", kExampleUrl, kExampleParams, ""));
  CHECK_FALSE(is_valid_twilio_signature("", kExampleUrl, kExampleParams, twilio_signature("", kExampleUrl, kExampleParams)));
  CHECK_FALSE(is_valid_twilio_signature("12345", kExampleUrl, kExampleParams, good.substr(0, 27)));
}

TEST_CASE("a form body is decoded with plus as space and percent escapes") {
  auto f = parse_form("CallSid=CA1&SpeechResult=I+don%27t+know%21&Digits=%2A&Empty=&Bare");
  REQUIRE(f.ok());
  CHECK(field(*f, "CallSid") == "CA1");
  CHECK(field(*f, "SpeechResult") == "I don't know!");
  CHECK(field(*f, "Digits") == "*");
  CHECK(has_field(*f, "Empty"));
  CHECK(field(*f, "Empty").empty());
  CHECK(has_field(*f, "Bare"));
  CHECK_FALSE(has_field(*f, "From"));
  CHECK(field(*f, "From").empty());
}

TEST_CASE("a broken percent escape is an error and not a guess") {
  CHECK_FALSE(parse_form("a=%2").ok());
  CHECK_FALSE(parse_form("a=%zz").ok());
  CHECK_FALSE(parse_form("a=100%").ok());
  CHECK(parse_form("").ok());
}

TEST_CASE("url encoding keeps only the unreserved characters") {
  CHECK(url_encode("hub_notes") == "hub_notes");
  CHECK(url_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
}

#include "metrics/source_tally.hpp"

TEST_CASE("refusals are audited once per source and minute, with how many went unaudited") {
  rc::SourceTally tally;
  CHECK(tally.record("10.0.0.1", 60'000) == std::optional<std::int64_t>(0));  // the first is audited
  for (int i = 0; i < 99; ++i) CHECK_FALSE(tally.record("10.0.0.1", 60'000 + i));
  CHECK(tally.record("10.0.0.2", 60'500) == std::optional<std::int64_t>(0));  // another source: its own row
  CHECK(tally.record("10.0.0.1", 120'000) == std::optional<std::int64_t>(99));  // next minute: the 99 are on record
  CHECK_FALSE(tally.record("10.0.0.1", 120'001));
}

#include "voice/replay_guard.hpp"

TEST_CASE("a retry within two minutes is admitted, the same signed request later is a replay") {
  rc::voice::ReplayGuard guard;
  CHECK(guard.admit("CA1", "/v1/voice/early-help?node=danger", "Digits=3", 1'000));
  CHECK(guard.admit("CA1", "/v1/voice/early-help?node=danger", "Digits=3", 1'000 + 30'000));  // the provider retried
  CHECK_FALSE(guard.admit("CA1", "/v1/voice/early-help?node=danger", "Digits=3", 1'000 + 3 * 60'000));  // replayed
  CHECK(guard.admit("CA1", "/v1/voice/early-help?node=danger", "Digits=2", 1'000 + 3 * 60'000));  // a different request
  CHECK(guard.admit("CA2", "/v1/voice/early-help?node=danger", "Digits=3", 1'000 + 3 * 60'000));  // another call
}
