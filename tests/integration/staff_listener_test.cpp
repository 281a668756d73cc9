// The staff listener under clients that misbehave (docs/security.md, "Limits"): slow headers
// and idle sockets hold sockets, never the threads that answer, and one address can hold only
// its share. The real server; raw sockets from several loopback addresses.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "server_process.hpp"
#include "db_reader.hpp"
#include "handoff_support.hpp"
#include "staff_helpers.hpp"

using namespace rc::test;

namespace {

// A TCP connection to the port from the given loopback address; -1 on failure.
int connect_from(const std::string& source, unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Whether the server closed the connection (within `wait_ms`).
bool closed_by_server(int fd, int wait_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, wait_ms) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, 0) == 0;
}

// Sends raw bytes to the port and returns everything the server answers before it closes.
std::string raw_exchange(unsigned short port, const std::string& bytes, const std::string& source = "127.0.0.1") {
  const int fd = connect_from(source, port);
  REQUIRE(fd >= 0);
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string reply;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 10000) > 0) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply;
}

void raise_descriptor_limit() {
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &r);
}

}  // namespace

TEST_CASE("the staff listener keeps answering with 50 slow-header clients and 2,000 idle sockets open") {
  raise_descriptor_limit();
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < 2300) {
    MESSAGE("skipped: this machine allows only " << r.rlim_cur << " descriptors per process");
    return;
  }
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  const std::string token = add_staff(server.db(), "ada", "admin");

  // 50 clients sending their headers a byte at a time, from one address...
  std::vector<int> slow;
  for (int i = 0; i < 50; ++i) {
    const int fd = connect_from("127.0.0.2", server.staff_port());
    REQUIRE(fd >= 0);
    slow.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread dripping([&] {
    const std::string request = "GET /v1/me HTTP/1.1\r\nHost: staff\r\nX-Slow: ";
    for (std::size_t i = 0; !stop && i < 10 * request.size(); ++i) {
      for (int fd : slow) ::send(fd, &request[i % request.size()], 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  // ...and 2,000 sockets that never send anything, 50 from each of 40 addresses.
  std::vector<int> idle;
  for (int a = 0; a < 40; ++a)
    for (int i = 0; i < 50; ++i) {
      const int fd = connect_from("127.0.1." + std::to_string(a + 1), server.staff_port());
      REQUIRE(fd >= 0);
      idle.push_back(fd);
    }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the server accept them all

  // A member of staff is still answered: the API, a page, a health check.
  httplib::Client staff("127.0.0.1", server.staff_port());
  staff.set_bearer_token_auth(token.c_str());
  staff.set_read_timeout(20, 0);
  auto me = staff.Get("/v1/me");
  REQUIRE(me);
  CHECK(me->status == 200);
  auto page = staff.Get("/review.html");
  REQUIRE(page);
  CHECK(page->status == 200);
  auto health = staff.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  int idle_still_open = 0;
  for (int fd : idle) idle_still_open += !closed_by_server(fd, 0);
  CHECK(idle_still_open == 2000);  // they were all taken, not refused: sockets are cheap, threads are not

  stop = true;
  dripping.join();
  for (int fd : slow) ::close(fd);
  for (int fd : idle) ::close(fd);
}

TEST_CASE("one address holds at most its share of staff connections, the rest are closed at once") {
  raise_descriptor_limit();
  TempDir dir;
  ServerProcess server(dir, {"--config", [&] {
                               const std::string path = dir.file("cap.json");
                               std::ofstream(path) << R"({"limits": {"max_connections_per_address": 10}})";
                               return path;
                             }()});
  REQUIRE(server.start());
  std::vector<int> held;
  for (int i = 0; i < 10; ++i) {
    const int fd = connect_from("127.0.0.5", server.staff_port());
    REQUIRE(fd >= 0);
    held.push_back(fd);
  }
  const int extra = connect_from("127.0.0.5", server.staff_port());
  REQUIRE(extra >= 0);
  CHECK(closed_by_server(extra, 10000));
  CHECK_FALSE(closed_by_server(held[0], 0));
  // Another address is not affected, and a slot comes back when a connection closes.
  CHECK(http_get(server.staff_port(), "/healthz") == 200);
  ::close(held.back());
  held.pop_back();
  bool admitted = false;  // the server frees the slot once it sees the close: try until it has
  for (int attempt = 0; attempt < 100 && !admitted; ++attempt) {
    const int again = connect_from("127.0.0.5", server.staff_port());
    REQUIRE(again >= 0);
    admitted = !closed_by_server(again, 300);
    ::close(again);
  }
  CHECK(admitted);
  ::close(extra);
  for (int fd : held) ::close(fd);
}


TEST_CASE("requests a proxy could read two ways are refused with 400, on every listener") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  for (unsigned short port : {server.staff_port(), server.port()}) {
    CAPTURE(port);
    const std::string twice = "POST /v1/reviews HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 12\r\n\r\nhello";
    CHECK(raw_exchange(port, twice).rfind("HTTP/1.1 400", 0) == 0);
    const std::string negative = "POST /v1/reviews HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n";
    CHECK(raw_exchange(port, negative).rfind("HTTP/1.1 400", 0) == 0);
  }
  // And the listener goes on answering.
  CHECK(http_get(server.staff_port(), "/healthz") == 200);
}

TEST_CASE("a filter that is not UTF-8 is a 400, not a 500") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  const std::string token = add_staff(server.db(), "ada", "admin");
  httplib::Client staff("127.0.0.1", server.staff_port());
  staff.set_bearer_token_auth(token.c_str());
  auto r = staff.Get("/v1/conversations?q=%FF%FE");
  REQUIRE(r);
  CHECK(r->status == 400);
  auto ok = staff.Get("/v1/conversations?q=caf%C3%A9");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("wrong staff tokens are counted, audited once a minute per address, and refused after 20") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  const std::string admin = add_staff(server.db(), "ada", "admin");
  httplib::Client guesser("127.0.0.1", server.staff_port());
  guesser.set_bearer_token_auth("rcs_00000000000000000000000000000000");
  int unauthorised = 0, refused = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = guesser.Get("/v1/conversations");
    REQUIRE(r);
    unauthorised += r->status == 401;
    refused += r->status == 429;
  }
  CHECK(unauthorised == 20);
  CHECK(refused == 10);
  CHECK(scalar(server.db(), "SELECT COUNT(*) FROM audit WHERE action = 'sign_in_failed'") == "1");
  CHECK(scalar(server.db(), "SELECT json_extract(target, '$.via') FROM audit WHERE action = 'sign_in_failed'") == "staff_api");
  // The console and phone calls share the count: refused at once from this address.
  Console console(server.console_port());
  auto ready = console.call({{"type", "auth"}, {"token", "rcs_11111111111111111111111111111111"}}, "a");
  REQUIRE(ready);
  CHECK((*ready)["code"] == "too_many_attempts");
  // The failures are in /metrics (read from another address, which is not slowed).
  const std::string reply = raw_exchange(
      server.staff_port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin + "\r\nConnection: close\r\n\r\n", "127.0.0.9");
  CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(reply.find("rightconv_sign_in_failures_total 20") != std::string::npos);
}

TEST_CASE("connector callbacks are taken only from the configured sources") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  const std::string body = R"({"type":"accept","reference":"HO-XXXX-XXXX"})";
  const std::string request = "POST /v1/connectors/console/console HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  // From an address outside handoff.callback_sources (default: this machine's 127.0.0.1 and ::1): no such path.
  CHECK(raw_exchange(server.staff_port(), request, "127.0.0.7").rfind("HTTP/1.1 404", 0) == 0);
  // From 127.0.0.1 the path exists (this connector takes no callbacks, and says so).
  const std::string inside = raw_exchange(server.staff_port(), request);
  CHECK(inside.rfind("HTTP/1.1 404", 0) == 0);
  CHECK(inside.find("takes no callbacks") != std::string::npos);
}

namespace {

// A WebSocket text frame from a client (masked, as clients must).
std::string client_frame(const std::string& payload) {
  std::string f;
  f += static_cast<char>(0x81);
  if (payload.size() < 126) {
    f += static_cast<char>(0x80 | payload.size());
  } else {
    f += static_cast<char>(0x80 | 126);
    f += static_cast<char>((payload.size() >> 8) & 0xff);
    f += static_cast<char>(payload.size() & 0xff);
  }
  const char mask[4] = {0x11, 0x22, 0x33, 0x44};
  f.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
  return f;
}

int open_connections(unsigned short staff_port, const std::string& admin) {
  httplib::Client c("127.0.0.1", staff_port);
  c.set_bearer_token_auth(admin.c_str());
  auto r = c.Get("/metrics");
  if (!r) return -1;
  const auto at = r->body.find("\nrightconv_open_connections ");
  return at == std::string::npos ? -1 : std::stoi(r->body.substr(at + 28));
}

// A raw chat WebSocket on 127.0.0.1 (a receive buffer of `rcvbuf` bytes when given), upgraded;
// -1 when the upgrade failed.
int upgraded_chat(unsigned short port, int rcvbuf = 0) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  const std::string upgrade = "GET /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  std::string head;
  char c;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 && ::send(fd, upgrade.data(), upgrade.size(), 0) == static_cast<ssize_t>(upgrade.size()))
    while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) head += c;
  if (head.rfind("HTTP/1.1 101", 0) == 0) return fd;
  ::close(fd);
  return -1;
}

}  // namespace

TEST_CASE("a chat client that stops reading is dropped after the write deadline, not held for ever") {
  TempDir dir;
  const std::string config = dir.file("slow-reader.json");
  std::ofstream(config) << R"({"limits": {"write_timeout_seconds": 1, "idle_timeout_seconds": 2, "max_messages_per_second": 100000, "burst_messages": 100000}})";
  ServerProcess server(dir, {"--config", config});
  REQUIRE(server.start());
  const std::string admin = add_staff(server.db(), "ada", "admin");

  const int fd = upgraded_chat(server.port(), 4096);
  REQUIRE(fd >= 0);
  CHECK(open_connections(server.staff_port(), admin) == 1);

  // Keep asking, and never read a byte of the replies. The requests need no database work, so
  // how soon the server's send buffer fills does not depend on how fast the disk is (3,000
  // starts, each a committed conversation, took longer than the wait under a sanitizer).
  const std::string junk = client_frame(R"({"type":"no_such_type"})");
  int open = -1;
  for (int i = 0; i < 600 && open != 0; ++i) {
    for (int k = 0; k < 2000; ++k)
      if (::send(fd, junk.data(), junk.size(), MSG_DONTWAIT | MSG_NOSIGNAL) <= 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    open = open_connections(server.staff_port(), admin);
  }
  CHECK(open == 0);
  ::close(fd);
}

// A peer that sends a close frame, gets the server's, and then neither ends the TCP connection
// nor sends anything: Beast waits for it to end with no timer of its own, so the connection's
// clock drops it a write deadline later instead of holding its slot for ever.
TEST_CASE("a chat client that sends a close and never ends the connection is dropped after the write deadline") {
  TempDir dir;
  const std::string config = dir.file("half-closed.json");
  std::ofstream(config) << R"({"limits": {"write_timeout_seconds": 1}})";
  ServerProcess server(dir, {"--config", config});
  REQUIRE(server.start());
  const std::string admin = add_staff(server.db(), "ada", "admin");
  const int fd = upgraded_chat(server.port());
  REQUIRE(fd >= 0);
  REQUIRE(open_connections(server.staff_port(), admin) == 1);

  const char close_frame[] = {static_cast<char>(0x88), static_cast<char>(0x80), 0x11, 0x22, 0x33, 0x44};  // masked, no reason
  REQUIRE(::send(fd, close_frame, sizeof close_frame, 0) == static_cast<ssize_t>(sizeof close_frame));
  int open = -1;
  for (int i = 0; i < 600 && open != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    open = open_connections(server.staff_port(), admin);
  }
  CHECK(open == 0);
  std::string reply;
  char buf[64];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
  REQUIRE_FALSE(reply.empty());
  CHECK(static_cast<unsigned char>(reply[0]) == 0x88);  // the server's close came first
  ::close(fd);
}

TEST_CASE("each listener has its own slice of connections: a full staff or console side starves no other") {
  raise_descriptor_limit();
  TempDir dir;
  const std::string config = dir.file("slices.json");
  std::ofstream(config) << R"({"limits": {"max_connections_per_address": 5, "max_staff_connections": 8}})";
  ServerProcess server(dir, {"--config", config});
  REQUIRE(server.start());
  // Upgraded console sockets keep their slot: a sixth from the same address is refused.
  std::vector<std::unique_ptr<WsClient>> consoles;
  for (int i = 0; i < 5; ++i) {
    consoles.push_back(std::make_unique<WsClient>(server.console_port(), std::string(), "/v1/staff"));
    REQUIRE(consoles.back()->connected());
  }
  WsClient sixth(server.console_port(), {}, "/v1/staff");
  CHECK_FALSE(sixth.connected());
  // The staff listener full (8, from several addresses): the ninth is closed at once...
  std::vector<int> held;
  for (int i = 0; i < 8; ++i) {
    const int fd = connect_from("127.0.2." + std::to_string(i + 1), server.staff_port());
    REQUIRE(fd >= 0);
    held.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int ninth = connect_from("127.0.2.100", server.staff_port());
  REQUIRE(ninth >= 0);
  CHECK(closed_by_server(ninth, 10000));
  ::close(ninth);
  // ...while the public listener goes on,
  CHECK(http_get(server.port(), "/healthz") == 200);
  // and a console that leaves frees its slot for the next.
  consoles.pop_back();
  bool admitted = false;
  for (int attempt = 0; attempt < 100 && !admitted; ++attempt) {
    WsClient next(server.console_port(), {}, "/v1/staff");
    admitted = next.connected();
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(admitted);
  for (int fd : held) ::close(fd);
}

namespace {

// A raw chat upgrade with an X-Forwarded-For header; returns the socket and the status line.
std::pair<int, std::string> chat_upgrade_as(unsigned short port, const std::string& forwarded_for) {
  const int fd = connect_from("127.0.0.1", port);
  REQUIRE(fd >= 0);
  const std::string upgrade = "GET /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: " +
                              forwarded_for + "\r\n\r\n";
  ::send(fd, upgrade.data(), upgrade.size(), MSG_NOSIGNAL);
  std::string head;
  char c;
  while (head.find("\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) head += c;
  return {fd, head};
}

}  // namespace

TEST_CASE("behind a trusted proxy, one client may hold only its share of chats, others are not affected") {
  TempDir dir;
  const std::string config = dir.file("per-client.json");
  std::ofstream(config) << R"({"limits": {"max_chats_per_address": 3, "trusted_proxies": ["127.0.0.1"]}})";
  ServerProcess server(dir, {"--config", config});
  REQUIRE(server.start());
  std::vector<int> open;
  for (int i = 0; i < 3; ++i) {
    auto [fd, status] = chat_upgrade_as(server.port(), "10.9.8.7, 203.0.113.5");
    CHECK(status.rfind("HTTP/1.1 101", 0) == 0);
    open.push_back(fd);
  }
  auto [fourth, refused] = chat_upgrade_as(server.port(), "203.0.113.5");
  CHECK(refused.rfind("HTTP/1.1 503", 0) == 0);  // the same client (the last forwarded address)
  ::close(fourth);
  auto [other, accepted] = chat_upgrade_as(server.port(), "198.51.100.20");
  CHECK(accepted.rfind("HTTP/1.1 101", 0) == 0);  // another client behind the same proxy
  ::close(other);
  for (int fd : open) ::close(fd);
}
