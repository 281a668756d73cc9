// has_nul_escape: the NUL escape is found wherever it is, and only when it is an escape.
#include <doctest/doctest.h>

#include "core/json_text.hpp"

TEST_CASE("json text - the NUL escape is found in any string, and a backslash before it turns it into plain letters") {
  CHECK(rc::has_nul_escape(R"({"type":"answer","text":"a\u0000b"})"));
  CHECK(rc::has_nul_escape(R"({"type":"message","text":"\u0000"})"));
  CHECK(rc::has_nul_escape(R"({"other":"x","text":"\\\u0000"})"));  // an escaped backslash, then the escape
  CHECK_FALSE(rc::has_nul_escape(R"({"text":"\\u0000"})"));          // a backslash, then the letters u0000
  CHECK_FALSE(rc::has_nul_escape(R"({"text":"u0000 and \u0001"})"));
  CHECK_FALSE(rc::has_nul_escape(""));
}
