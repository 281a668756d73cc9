// Shared by the chat protocol tests: a real server on a fresh database, and the messages a
// practitioner sends most.
#pragma once
#include <doctest/doctest.h>

#include <string>

#include "server_process.hpp"
#include "ws_client.hpp"

namespace rc::test {

struct ChatFixture {
  TempDir dir;
  ServerProcess server{dir};
  ChatFixture() { REQUIRE(server.start()); }
};

inline nlohmann::json start_msg(const std::string& channel = "web") { return {{"type", "start"}, {"dialog", "early-help"}, {"channel", channel}}; }
inline nlohmann::json answer(const std::string& node, const std::string& option) { return {{"type", "answer"}, {"node", node}, {"option", option}}; }
inline nlohmann::json typed(const std::string& node, const std::string& text) { return {{"type", "answer"}, {"node", node}, {"text", text}}; }

}  // namespace rc::test
