// Boxed<T> stands in for std::optional<T> on members most objects never set: it must copy deeply
// (a Turn's on_commit copies a conversation, then changes the copy) and read like an optional.
#include <doctest/doctest.h>

#include <string>

#include "core/boxed.hpp"

using rc::Boxed;

TEST_CASE("Boxed reads and copies like std::optional") {
  Boxed<std::string> none;
  CHECK_FALSE(none);
  CHECK_FALSE(none.has_value());

  Boxed<std::string> a = std::string("accepted");
  REQUIRE(a);
  CHECK(*a == "accepted");
  CHECK(a->size() == 8);

  Boxed<std::string> b = a;  // deep: changing the copy leaves the original
  *b = "accepted by Sam";
  CHECK(*a == "accepted");
  CHECK(*b == "accepted by Sam");

  a = b;
  CHECK(*a == "accepted by Sam");
  *a = "x";
  CHECK(*b == "accepted by Sam");

  b = none;  // copying an empty one empties
  CHECK_FALSE(b);
  b = std::string("again");
  CHECK(*b == "again");
  b.reset();
  CHECK_FALSE(b);

  Boxed<std::string> from_optional = std::optional<std::string>("o");
  CHECK(*from_optional == "o");
  Boxed<std::string> from_nullopt = std::optional<std::string>();
  CHECK_FALSE(from_nullopt);

  Boxed<std::string> moved = std::move(from_optional);
  CHECK(*moved == "o");
  a = std::nullopt;
  CHECK_FALSE(a);
  a = a;  // self-assignment keeps it empty, and a set one keeps its value
  moved = moved;
  CHECK(*moved == "o");
}
