// Staff accounts for tests, made with the real CLI against the server's database.
#pragma once
#include <doctest/doctest.h>

#include <string>

#include "process.hpp"

namespace rc::test {

// Adds a member of staff and returns their token ("rcs_...").
inline std::string add_staff(const std::string& db, const std::string& id, const std::string& role) {
  auto r = run_process(RC_BINARY, {"staff", "add", id, "--role", role, "--name", id + " (test)", "--db", db});
  REQUIRE(r.exit_code == 0);
  std::string token = r.out.substr(0, r.out.find('\n'));
  REQUIRE(token.rfind("rcs_", 0) == 0);
  return token;
}

}  // namespace rc::test
