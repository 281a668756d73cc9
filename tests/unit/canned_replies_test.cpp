// The canned replies the console's "ready" frame carries (protocol_console.cpp).
#include <doctest/doctest.h>

#include "protocol/protocol.hpp"
#include "shipped.hpp"

using namespace rc;

TEST_CASE("the shipped canned replies are served in file order with their numbers filled") {
  const auto served = protocol::canned_replies_json(test::shipped().content);
  REQUIRE(served.size() >= 3);
  CHECK(served[0]["id"] == "duty_and_advice_number");
  CHECK(served[0]["text"].get<std::string>().find("0113 376 0336") != std::string::npos);
  for (const auto& r : served) CHECK(r["text"].get<std::string>().find('{') == std::string::npos);
}

TEST_CASE("a canned reply that cannot be filled is never served") {
  Catalogue c;
  c.canned_replies["unknown"] = CannedReply{.id = "unknown", .label = "Unknown", .text = "Ring {nobody.phone}.", .file = "c.yaml", .line = 1};
  c.canned_replies["plain"] = CannedReply{.id = "plain", .label = "Plain", .text = "Are you still there?", .file = "c.yaml", .line = 5};
  const auto served = protocol::canned_replies_json(c);
  REQUIRE(served.size() == 1);
  CHECK(served[0]["id"] == "plain");
}
