// The server as operators see it: config errors, origins, limits, static pages, health.
#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <array>
#include <csignal>
#include <functional>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "test_store.hpp"
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

TEST_CASE("browsers from other origins are refused before the upgrade, localhost and configured ones are allowed") {
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

// A connection silent for limits.ping_after_seconds is pinged; a peer that answers stays open,
// one that does not (a laptop shut, a network gone) is dropped after twice as long, so its
// slot is not held until the idle timeout. Timed by events, not by the clock.
TEST_CASE("a silent peer is pinged - one that answers stays open and one that does not is dropped") {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  using tcp = boost::asio::ip::tcp;
  TempDir dir;
  std::ofstream(dir.file("c.json")) << R"({"limits": {"ping_after_seconds": 2, "idle_timeout_seconds": 3600}})";
  ServerProcess server(dir, {"--config", dir.file("c.json")});
  REQUIRE(server.start());
  boost::asio::io_context ioc;
  websocket::stream<tcp::socket> answering(ioc), silent(ioc);
  for (auto* ws : {&answering, &silent}) {
    ws->next_layer().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
    ws->handshake("127.0.0.1", "/v1/chat");
  }
  // The answering peer keeps a read going: Beast answers each ping with a pong.
  int pings = 0;
  answering.control_callback([&](websocket::frame_type kind, beast::string_view) { pings += kind == websocket::frame_type::ping; });
  beast::flat_buffer buffer;
  bool answering_ended = false;
  answering.async_read(buffer, [&](beast::error_code, std::size_t) { answering_ended = true; });
  // The silent peer reads raw bytes under the WebSocket, so it never answers a ping.
  std::string heard;
  std::array<char, 256> chunk{};
  bool silent_dropped = false;
  std::function<void()> read_raw = [&] {
    silent.next_layer().async_read_some(boost::asio::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
      heard.append(chunk.data(), n);
      if (ec) silent_dropped = true;
      else read_raw();
    });
  };
  read_raw();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!(silent_dropped && pings >= 3) && !answering_ended && std::chrono::steady_clock::now() < give_up) ioc.run_for(std::chrono::milliseconds(100));
  CHECK(silent_dropped);
  REQUIRE_FALSE(heard.empty());
  CHECK(static_cast<unsigned char>(heard[0]) == 0x89);  // it was pinged (a final ping frame) before it was dropped
  CHECK(pings >= 3);  // six seconds without a message of its own, more than twice the limit: kept by its pongs
  CHECK_FALSE(answering_ended);
}

TEST_CASE("a chat kept busy past the idle timeout and the write deadline stays open, and is closed once it goes quiet") {
  TempDir dir;
  // Both timers are armed once and look at the last message (or write) when they fire.
  std::ofstream(dir.file("c.json")) << R"({"limits": {"idle_timeout_seconds": 2, "write_timeout_seconds": 1}})";
  ServerProcess server(dir, {"--config", dir.file("c.json")});
  REQUIRE(server.start());
  WsClient c(server.port());
  auto s = c.request({{"type", "start"}, {"dialog", "early-help"}});
  REQUIRE(s.size() >= 1);
  // Ten messages 400 ms apart, each answered: four seconds, twice the idle timeout and four
  // write deadlines, never two seconds without a message nor a write taking a second.
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    c.send({{"type", "about"}, {"agency", "school"}});
    const auto r = c.receive(5000);
    REQUIRE_MESSAGE(r, "closed after ", i, " messages");
    CHECK((*r)["type"] == "about");
  }
  CHECK(std::chrono::steady_clock::now() - started > std::chrono::seconds(2));  // it did outlive one timeout
  CHECK_FALSE(c.receive(8000));
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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

long long file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : -1;
}

}  // namespace

TEST_CASE("readiness writes nothing - the WAL is emptied once writes pause") {
  RC_SQLITE_ONLY("SQLite's WAL");
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  {
    WsClient c(server.port());
    c.request({{"type", "start"}, {"dialog", "early-help"}});
    c.request({{"type", "answer"}, {"node", "danger"}, {"option", "no"}});
  }
  // Once the writer is idle the checkpointer empties the WAL (it grew without bound before).
  long long wal = -1;
  for (int i = 0; i < 200 && wal != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    wal = file_size(server.db() + "-wal");
  }
  CHECK(wal == 0);
  // Two hundred readiness checks: all ready, and not one byte written.
  for (int i = 0; i < 200; ++i) REQUIRE(http_get(server.port(), "/readyz") == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(file_size(server.db() + "-wal") == 0);
}

TEST_CASE("HEAD answers with the headers only, so a keep-alive proxy stays in step") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(server.port());
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  const std::string request = "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(reply.find("Content-Length: 15") != std::string::npos);  // what GET would send
  const auto end_of_headers = reply.find("\r\n\r\n");
  REQUIRE(end_of_headers != std::string::npos);
  CHECK(reply.size() == end_of_headers + 4);  // and nothing after the headers
}

#include <httplib.h>

TEST_CASE("the public listener serves the chat page only - framed by its own site and the embedding sites, nobody else") {
  TempDir dir;
  const std::string config = dir.file("origins.json");
  std::ofstream(config) << R"({"limits": {"allowed_origins": ["https://staff.rightconv.example:8081"]},
                               "embed": {"allowed_sites": ["https://www.leedsscp.org.uk", "https://intranet.leeds.gov.uk:8443"]}})";
  ServerProcess server(dir, {"--config", config});
  REQUIRE(server.start());
  for (const char* staff_page : {"/review.html", "/console.html", "/call.html", "/review.js", "/embed-demo.html"}) {
    CAPTURE(staff_page);
    CHECK(http_get(server.port(), staff_page) == 404);
  }
  httplib::Client chat("127.0.0.1", server.port());
  for (const char* target : {"/", "/?embed=1&dialog=early-help"}) {
    CAPTURE(target);
    auto page = chat.Get(target);
    REQUIRE(page);
    CHECK(page->status == 200);
    // Only frame-ancestors widens: the rest of the page's policy stays as strict as before.
    CHECK(page->get_header_value("Content-Security-Policy") ==
          "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
          "frame-ancestors 'self' https://www.leedsscp.org.uk https://intranet.leeds.gov.uk:8443");
    CHECK(page->get_header_value("Referrer-Policy") == "no-referrer");
  }
  CHECK(http_get(server.port(), "/chat.js") == 200);
  // The embedding sites may open the WebSocket without being listed again in limits.allowed_origins.
  CHECK(upgrade_status(server.port(), "https://www.leedsscp.org.uk") == 101);
  CHECK(upgrade_status(server.port(), "https://intranet.leeds.gov.uk:8443") == 101);
  CHECK(upgrade_status(server.port(), "https://staff.rightconv.example:8081") == 101);
  CHECK(upgrade_status(server.port(), "https://evil.example") == 403);
}

TEST_CASE("with no embedding sites configured only the chat's own site may frame it") {
  TempDir dir;
  ServerProcess server(dir);
  REQUIRE(server.start());
  httplib::Client chat("127.0.0.1", server.port());
  auto page = chat.Get("/");
  REQUIRE(page);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  CHECK(csp.substr(csp.find("frame-ancestors")) == "frame-ancestors 'self'");
}

TEST_CASE("/widget.js carries the embed settings and may be used by other sites' pages") {
  TempDir dir;
  const std::string config = dir.file("embed.json");
  std::ofstream(config) << R"({"embed": {"allowed_sites": ["https://www.leedsscp.org.uk"], "launcher_label": "Need help? </script>",
                                         "title": "Leeds early help", "colour": "#003078", "text_colour": "#ffffff"}})";
  ServerProcess server(dir, {"--config", config});
  REQUIRE(server.start());
  httplib::Client chat("127.0.0.1", server.port());
  auto script = chat.Get("/widget.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(script->get_header_value("Cross-Origin-Resource-Policy") == "cross-origin");
  CHECK(script->get_header_value("Cache-Control") == "public, max-age=600");
  CHECK(script->get_header_value("X-Content-Type-Options") == "nosniff");
  std::ifstream in(std::string(RC_SOURCE_DIR) + "/web/widget.js");
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(file.empty());
  // The file as it is, then the call with the settings, the label's markup escaped.
  CHECK(script->body.rfind(file, 0) == 0);
  CHECK(script->body.substr(file.size()) ==
        "\n({\"colour\":\"#003078\",\"launcher_label\":\"Need help? \\u003c/script\\u003e\",\"text_colour\":\"#ffffff\",\"title\":\"Leeds early help\"});\n");
  // HEAD answers the same headers; other methods are refused.
  auto head = chat.Head("/widget.js");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->get_header_value("Cross-Origin-Resource-Policy") == "cross-origin");
  auto post = chat.Post("/widget.js", "", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 405);
}

TEST_CASE("one server per database file: a second one is refused by name, and after kill -9 of the first a new one starts") {
  RC_SQLITE_ONLY("the serve lock of an SQLite file");
  TempDir dir;
  ServerProcess first(dir);
  REQUIRE(first.start());
  auto second = run_process(RC_BINARY, {"serve", "--db", first.db(), "--listen", "127.0.0.1:0", "--staff-listen", "127.0.0.1:0"});
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("another rightconv server is using " + first.db()) != std::string::npos);
  CHECK(first.running());
  CHECK(http_get(first.port(), "/readyz") == 200);  // the refused one changed nothing
  CHECK(first.stop(9) == 128 + 9);
  ServerProcess again(dir);
  REQUIRE(again.start());
  CHECK(http_get(again.port(), "/readyz") == 200);
}
