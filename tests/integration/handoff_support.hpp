// Shared by the handoff tests: a practitioner walking the early-help dialog, a staff console
// client, and a config file for the server.
#pragma once
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "server_process.hpp"
#include "staff_helpers.hpp"
#include "ws_client.hpp"

namespace rc::test {

using json = nlohmann::json;

// Starts a conversation and answers in order: an option id, or "text:..." for a typed answer.
// Returns the replies to the last answer.
inline std::vector<json> walk(WsClient& c, const std::vector<std::string>& answers, std::string* conversation = nullptr,
                              std::string* token = nullptr) {
  auto replies = c.request({{"type", "start"}, {"dialog", "early-help"}});
  REQUIRE(replies.size() >= 2);
  if (conversation) *conversation = replies[0]["conversation"];
  if (token) *token = replies[0]["token"];
  for (const auto& a : answers) {
    const std::string node = replies.back()["node"];
    json m{{"type", "answer"}, {"node", node}};
    if (a.rfind("text:", 0) == 0) m["text"] = a.substr(5);
    else m["option"] = a;
    replies = c.request(m);
  }
  return replies;
}

// The path to the East hub outcome, with a typed answer on the way.
inline const std::vector<std::string> kToEastHub{"no", "no", "yes", "agree", "no", "multi", "text:Needs help with routines", "east"};
inline const std::vector<std::string> kToWestHub{"no", "no", "yes", "agree", "no", "multi", "text:none", "west"};
inline const std::vector<std::string> kToDutyAndAdvice{"no", "yes"};

// A signed-in staff console.
struct Console {
  WsClient ws;
  explicit Console(unsigned short console_port) : ws(console_port, {}, "/v1/staff") { REQUIRE(ws.connected()); }
  // Signs in and returns the first queue.
  json sign_in(const std::string& token) {
    ws.send({{"type", "auth"}, {"token", token}});
    auto ready = ws.receive_until({"ready", "error"});
    REQUIRE(!ready.empty());
    REQUIRE(ready.back()["type"] == "ready");
    auto q = ws.receive_until({"queue"});
    REQUIRE(!q.empty());
    return q.back();
  }
  // Sends and waits for the reply with this ref (skipping pushes), or nullopt.
  std::optional<json> call(json msg, const std::string& ref, int timeout_ms = 5000) {
    msg["ref"] = ref;
    ws.send(msg);
    for (;;) {
      auto m = ws.receive(timeout_ms);
      if (!m) return std::nullopt;
      if (m->value("ref", "") == ref) return m;
    }
  }
  // The next pushed message of this type (skipping others).
  std::optional<json> next(const std::string& type, int timeout_ms = 5000) {
    auto got = ws.receive_until({type}, timeout_ms);
    if (got.empty() || got.back()["type"] != type) return std::nullopt;
    return got.back();
  }
};

// A server with a staff member for East, for West, and an admin.
struct HandoffFixture {
  TempDir dir;
  ServerProcess server;
  std::string east, west, admin;
  explicit HandoffFixture(std::vector<std::string> extra = {}) : server(dir, std::move(extra)) {
    REQUIRE(server.start());
    east = add_staff(server.db(), "eve", "hub:east");
    west = add_staff(server.db(), "wes", "hub:west");
    admin = add_staff(server.db(), "ada", "admin");
  }
};

// The queue item with this handoff reference, or null.
inline const json* find_item(const json& queue, const std::string& reference) {
  for (const auto& i : queue["items"])
    if (i["reference"] == reference) return &i;
  return nullptr;
}

inline std::string write_config(const TempDir& dir, const json& config) {
  const std::string path = dir.file("config.json");
  std::ofstream(path) << config.dump(2);
  return path;
}

}  // namespace rc::test
