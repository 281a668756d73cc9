// Standard Webhooks signing and checking, against the spec's published example.
#include <doctest/doctest.h>

#include "independent_signer.hpp"
#include "webhook/webhook_signature.hpp"

using namespace rc::handoff::webhook;
namespace wt = rc::handoff::webhook_test;

namespace {
const std::string kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const std::string kTimestamp = "1614265330";
const std::string kBody = R"({"test": 2432232314})";
const std::string kExpected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";  // checked with python3 hmac as well

std::string example_key() { return decode_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value(); }
}  // namespace

TEST_CASE("webhook signing of the Standard Webhooks example gives the published signature") {
  CHECK(sign(example_key(), kId, kTimestamp, kBody) == kExpected);
}

TEST_CASE("the independent webhook test signer agrees with the published signature") {
  CHECK(wt::signature_for(wt::kSecret, kId, kTimestamp, kBody) == kExpected);
}

TEST_CASE("webhook verify accepts the published signature") {
  CHECK(verify(example_key(), kId, kTimestamp, kBody, kExpected));
}

TEST_CASE("webhook verify accepts a header with several signatures when any one matches") {
  CHECK(verify(example_key(), kId, kTimestamp, kBody, "v1,bm90IHRoZSByaWdodCBzaWduYXR1cmUgYXQgYWxsIQ== " + kExpected));
  CHECK(verify(example_key(), kId, kTimestamp, kBody, "v1a,c29tZXRoaW5nIGVsc2U= " + kExpected + " v1,Zm9v"));
}

TEST_CASE("webhook verify refuses a changed body or id or timestamp or key") {
  CHECK_FALSE(verify(example_key(), kId, kTimestamp, R"({"test": 2432232315})", kExpected));
  CHECK_FALSE(verify(example_key(), "msg_other", kTimestamp, kBody, kExpected));
  CHECK_FALSE(verify(example_key(), kId, "1614265331", kBody, kExpected));
  CHECK_FALSE(verify(decode_secret(wt::kOtherSecret).value(), kId, kTimestamp, kBody, kExpected));
}

TEST_CASE("webhook verify refuses malformed signature headers") {
  for (const std::string header : {"", " ", "v1,", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                                   "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=x"}) {
    CAPTURE(header);
    CHECK_FALSE(verify(example_key(), kId, kTimestamp, kBody, header));
  }
}

TEST_CASE("webhook base64 round-trips every length and padding") {
  const std::string bytes = std::string("\x00\xff\x10 binary\x7f", 11) + "abcdefgh";
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string part = bytes.substr(0, n);
    CAPTURE(n);
    const auto decoded = decode_base64(encode_base64(part));
    if (n == 0) {
      CHECK_FALSE(decoded);  // nothing to decode is not a key
    } else {
      REQUIRE(decoded);
      CHECK(*decoded == part);
    }
  }
  CHECK(encode_base64("f") == "Zg==");
  CHECK(encode_base64("fo") == "Zm8=");
  CHECK(encode_base64("foo") == "Zm9v");
}

TEST_CASE("webhook base64 decoding refuses anything but standard padded base64") {
  for (const std::string text : {"Zg", "Zg=", "Zm9v=", "Z===", "Zm9v\n", " Zm9v", "Zm-v", "Zm_v", "Zm9v!AAA", "Zg==Zg==", "=Zg="}) {
    CAPTURE(text);
    CHECK_FALSE(decode_base64(text));
  }
}

TEST_CASE("a webhook secret must be whsec_ followed by a non-empty base64 key") {
  CHECK(decode_secret(wt::kSecret).value() == wt::raw_key(wt::kSecret));
  CHECK(decode_secret(wt::kOtherSecret).value() == "secret-for-the-callbacks!");
  for (const std::string secret : {"", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!",
                                   "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"}) {
    CAPTURE(secret);
    CHECK_FALSE(decode_secret(secret));
  }
}
