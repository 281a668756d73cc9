// The `started` frame written without a tree (protocol::started_text) is byte for byte what the
// tree gives (serialise(started_json(...), ref)), whatever the ref the client chose.
#include <doctest/doctest.h>

#include "protocol/protocol.hpp"

using namespace rc;

TEST_CASE("the started frame written without a tree is the tree's, byte for byte") {
  const protocol::StartedFields f{"01a23f7fbc8a410bc782f263dd0a", "EH-7KQ2-M9XD", "tok_abc-123", "early-help", "e47a332f0e63f0f0"};
  const std::optional<std::string> refs[] = {std::nullopt, std::string("1"), std::string(""), std::string("a \"quoted\" \\ ref"),
                                             std::string("tab\there\nline"), std::string("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x99\x82"),
                                             std::string("bad \xff\xfe utf-8"), std::string(1, '\x01')};
  for (const auto& ref : refs) {
    CAPTURE(ref.value_or("(none)"));
    CHECK(protocol::started_text(f, ref) == protocol::serialise(protocol::started_json(f), ref));
  }
  const protocol::StartedFields odd{"id \"x\"", "", "t\xc3\xa9", "dialog/\\", "v"};
  CHECK(protocol::started_text(odd, std::string("9")) == protocol::serialise(protocol::started_json(odd), std::string("9")));
  CHECK(protocol::started_text(f, std::string("7")) ==
        R"({"conversation":"01a23f7fbc8a410bc782f263dd0a","dialog":"early-help","ref":"7","reference":"EH-7KQ2-M9XD","token":"tok_abc-123","type":"started","version":"e47a332f0e63f0f0"})");
}
