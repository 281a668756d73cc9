// The server as operators see it: config errors, origins, limits, static pages, health.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "process.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

using namespace rc::test;

TEST_CASE("a bad config file is a clear error naming the key - and the server does not start") {
  TempDir dir;
  std::ofstream(dir.file("bad.json")) << R"({"listen": "127.0.0.1:8080", "limits": {"idle_timeout_seconds": "soon"}})";
  auto r = run_process(RC_BINARY, {"serve", "--config", dir.file("bad.json"), "--db", dir.file("x.db")});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("limits.idle_timeout_seconds: expected a positive integer") != std::string::npos);
  CHECK(r.err.find("bad.json") != std::string::npos);
  CHECK(run_process(RC_BINARY, {"serve", "--listen", "nowhere"}).exit_code == 2);
  CHECK(run_process(RC_BINARY, {"serve", "--frobnicate"}).exit_code == 2);
}

TEST_CASE("health - readiness - the chat page and nothing outside web/") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  std::string body;
  CHECK(http_get(server.port(), "/healthz", &body) == 200);
  CHECK(body.find("ok") != std::string::npos);
  CHECK(http_get(server.port(), "/readyz") == 200);
  CHECK(http_get(server.port(), "/", &body) == 200);
  CHECK(body.find("<html") != std::string::npos);
  CHECK(http_get(server.port(), "/../CMakeLists.txt") == 404);
  CHECK(http_get(server.port(), "/%2e%2e/CMakeLists.txt") == 404);
  CHECK(http_get(server.port(), "/no-such-page") == 404);
  CHECK(http_get(server.port(), "/v1/chat") == 426);
}

TEST_CASE("browsers from other origins are refused before the upgrade; localhost and configured ones are allowed") {
  TempDir dir;
  std::ofstream(dir.file("c.json")) << R"({"limits": {"allowed_origins": ["https://www.leedsscp.org.uk"]}})";
  ServerProcess server(dir, {"--config", dir.file("c.json")});
  REQUIRE(server.start());
  CHECK(upgrade_status(server.port(), "https://evil.example") == 403);
  CHECK(upgrade_status(server.port(), "http://localhost.evil.example") == 403);
  CHECK(upgrade_status(server.port(), "https://www.leedsscp.org.uk") == 101);
  CHECK(WsClient(server.port(), "http://localhost:3000").connected());
  CHECK(WsClient(server.port(), "https://www.leedsscp.org.uk").connected());
  CHECK(WsClient(server.port()).connected());  // no Origin: not a browser
}

TEST_CASE("past max connections new chats are refused with 503 before the upgrade") {
  TempDir dir;
  std::ofstream(dir.file("c.json")) << R"({"limits": {"max_connections": 2}})";
  ServerProcess server(dir, {"--config", dir.file("c.json")});
  REQUIRE(server.start());
  WsClient a(server.port()), b(server.port());
  REQUIRE(a.connected());
  REQUIRE(b.connected());
  a.request({{"type", "start"}, {"dialog", "early-help"}});  // both sessions are surely counted
  b.request({{"type", "start"}, {"dialog", "early-help"}});
  CHECK_FALSE(WsClient(server.port()).connected());
  CHECK(upgrade_status(server.port()) == 503);
  a.close();
  // The slot frees once the first has gone.
  bool connected = false;
  for (int i = 0; i < 100 && !connected; ++i) {
    WsClient d(server.port());
    connected = d.connected();
    if (!connected) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(connected);
}

TEST_CASE("an idle chat is closed after the idle timeout") {
  TempDir dir;
  std::ofstream(dir.file("c.json")) << R"({"limits": {"idle_timeout_seconds": 1}})";
  ServerProcess server(dir, {"--config", dir.file("c.json")});
  REQUIRE(server.start());
  WsClient c(server.port());
  c.request({{"type", "start"}, {"dialog", "early-help"}});
  CHECK_FALSE(c.receive(5000));
  CHECK(c.close_code() == 1001);
  CHECK(c.close_reason() == "idle timeout");
}

TEST_CASE("logs carry no message text or tokens at info level - and JSON lines on request") {
  TempDir dir;
  ServerProcess server(dir, {"--log-format", "json"});
  REQUIRE(server.start());
  std::string token;
  {
    WsClient c(server.port());
    auto s = c.request({{"type", "start"}, {"dialog", "early-help"}});
    token = s[0]["token"];
    c.request({{"type", "answer"}, {"node", "danger"}, {"text", "zebra crossing secret words"}});
  }
  CHECK(server.stop(SIGTERM) == 0);
  const std::string log = server.log();
  CHECK(log.find(token) == std::string::npos);
  CHECK(log.find("zebra crossing") == std::string::npos);
  std::istringstream lines(log);
  std::string line;
  int json_lines = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    CAPTURE(line);
    CHECK_FALSE(j.is_discarded());
    json_lines += j.contains("level") && j.contains("msg");
  }
  CHECK(json_lines >= 2);
}
