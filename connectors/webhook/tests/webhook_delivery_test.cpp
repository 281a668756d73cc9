// Delivering events to a real HTTP receiver on 127.0.0.1: the signed request it gets, and how
// each answer (or no answer) maps to a Delivery for the outbox.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <optional>
#include <vector>
#include <chrono>
#include <thread>

#include "scripted_receiver.hpp"
#include "webhook/webhook_connector.hpp"

using namespace rc::handoff;
namespace wt = rc::handoff::webhook_test;

namespace {

constexpr Millis kNow = 1'700'000'000'987;  // the injected clock: webhook-timestamp must be 1700000000

std::unique_ptr<Connector> connector_for(const std::string& url, int timeout_seconds = 10) {
  ConnectorContext ctx;
  ctx.name = "crm";
  ctx.type = "webhook";
  ctx.settings = {{"type", "webhook"}, {"url", url}, {"secret", wt::kSecret}, {"timeout_seconds", timeout_seconds}};
  ctx.now = [] { return kNow; };
  auto made = make_webhook_connector(ctx);
  REQUIRE(made);
  return std::move(made.value());
}

OutboundEvent requested_event(const std::string& event_id = "evt_5f0c1e2d3b4a59687766554433221100") {
  OutboundEvent e;
  e.event_id = event_id;
  e.kind = "requested";
  e.reference = "HO-7KQ2-M9XD";
  e.connector = "crm";
  e.payload = {{"type", "handoff.requested"},
               {"event_id", event_id},
               {"reference", "HO-7KQ2-M9XD"},
               {"route", "east"},
               {"data", {{"reason", "worried about Ünïcode and \"quotes\""}, {"urgent", false}}}};
  return e;
}

wt::ScriptedReceiver::Script answer(int status, std::string retry_after = "") {
  return [status, retry_after](const httplib::Request&, httplib::Response& res) {
    res.status = status;
    if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
    res.set_content(R"({"ok":true})", "application/json");
  };
}

void check_detail_is_clean(const Delivery& d) {
  CHECK(d.detail.find("MfKQ9r8G") == std::string::npos);
  CHECK(d.detail.find("quotes") == std::string::npos);
  CHECK(d.detail.find("HO-7KQ2") == std::string::npos);
}

}  // namespace

TEST_CASE("a webhook delivery is a signed Standard Webhooks POST of the payload") {
  wt::ScriptedReceiver receiver(answer(200));
  const auto event = requested_event();
  const Delivery d = connector_for(receiver.url())->deliver(event);
  CHECK(d.status == DeliveryStatus::delivered);
  CHECK(d.detail == "HTTP 200");

  const auto got = receiver.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0].content_type == "application/json");
  CHECK(got[0].id == event.event_id);
  CHECK(got[0].idempotency_key == event.event_id);
  CHECK(got[0].timestamp == "1700000000");
  CHECK(got[0].body == event.payload.dump());
  CHECK(got[0].signature_ok);
}

TEST_CASE("each HTTP answer to a webhook maps to the outbox's delivery status") {
  struct Case {
    int status;
    std::string retry_after;
    DeliveryStatus expected;
    std::optional<int> retry_after_seconds;
    std::string detail;
  };
  const std::vector<Case> cases{
      {200, "", DeliveryStatus::delivered, std::nullopt, "HTTP 200"},
      {202, "", DeliveryStatus::delivered, std::nullopt, "HTTP 202"},
      {204, "", DeliveryStatus::delivered, std::nullopt, "HTTP 204"},
      {409, "", DeliveryStatus::duplicate, std::nullopt, "HTTP 409"},
      {410, "", DeliveryStatus::gone, std::nullopt, "HTTP 410"},
      {503, "", DeliveryStatus::retry, std::nullopt, "HTTP 503"},
      {500, "", DeliveryStatus::retry, std::nullopt, "HTTP 500"},
      {503, "30", DeliveryStatus::retry, 30, "HTTP 503"},
      {429, "7", DeliveryStatus::retry, 7, "HTTP 429"},
      {429, "soon", DeliveryStatus::retry, std::nullopt, "HTTP 429"},
      {404, "", DeliveryStatus::retry, std::nullopt, "HTTP 404 (unexpected status)"},
      {400, "", DeliveryStatus::retry, std::nullopt, "HTTP 400 (unexpected status)"},
      {301, "", DeliveryStatus::retry, std::nullopt, "HTTP 301 (unexpected status)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.status);
    CAPTURE(c.retry_after);
    wt::ScriptedReceiver receiver(answer(c.status, c.retry_after));
    const Delivery d = connector_for(receiver.url())->deliver(requested_event());
    CHECK(d.status == c.expected);
    CHECK(d.retry_after_seconds == c.retry_after_seconds);
    CHECK(d.detail == c.detail);
    check_detail_is_clean(d);
    CHECK(receiver.received().size() == 1);
  }
}

TEST_CASE("a webhook peer slower than timeout_seconds means retry with a timeout detail") {
  wt::ScriptedReceiver* self = nullptr;
  wt::ScriptedReceiver receiver([&self](const httplib::Request&, httplib::Response& res) {
    self->stall(std::chrono::seconds(5));
    res.status = 200;
  });
  self = &receiver;
  const auto started = std::chrono::steady_clock::now();
  const Delivery d = connector_for(receiver.url(), 1)->deliver(requested_event());
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail == "timeout after 1 s");
  CHECK_FALSE(d.retry_after_seconds);
  CHECK(took >= std::chrono::milliseconds(900));  // it waited for the peer (no upper bound: a loaded machine is slow)
}

TEST_CASE("a webhook to a closed port means retry with a transport error") {
  std::string url;
  {
    wt::ScriptedReceiver gone_away(answer(200));
    url = gone_away.url();
  }
  const Delivery d = connector_for(url)->deliver(requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail.rfind("transport error: ", 0) == 0);
  check_detail_is_clean(d);
}

namespace {

// A peer on a raw socket: reads one request, writes `answer` as it is, and closes: an answer
// cut short, as a crashing or misbehaving receiver gives.
class RawPeer {
 public:
  explicit RawPeer(std::string answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 1);
    thread_ = std::thread([this] {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string got;
      char buf[4096];
      // The whole request: headers, then the body's Content-Length.
      for (;;) {
        const auto n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
        const auto end = got.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        const auto cl = got.find("Content-Length: ");
        const std::size_t body = cl == std::string::npos ? 0 : std::stoul(got.substr(cl + 16));
        if (got.size() >= end + 4 + body) break;
      }
      requests_ = 1;
      ::send(c, answer_.data(), answer_.size(), MSG_NOSIGNAL);
      ::close(c);
    });
  }
  ~RawPeer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int requests() const { return requests_; }

 private:
  std::string answer_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("a 2xx whose body is cut short is delivered - sending it again would deliver twice - other cut answers keep their meaning") {
  {
    RawPeer peer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"ok\"");
    const Delivery d = connector_for(peer.url(), 5)->deliver(requested_event());
    CHECK(peer.requests() == 1);
    CHECK(d.status == DeliveryStatus::delivered);
    CHECK(d.detail == "HTTP 200");
  }
  {
    RawPeer peer("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 200\r\n\r\nbusy");
    const Delivery d = connector_for(peer.url(), 5)->deliver(requested_event());
    CHECK(d.status == DeliveryStatus::retry);
    CHECK(d.retry_after_seconds == 7);
  }
  {
    RawPeer peer("");  // read the request, answered nothing
    const Delivery d = connector_for(peer.url(), 5)->deliver(requested_event());
    CHECK(peer.requests() == 1);
    CHECK(d.status == DeliveryStatus::retry);
    CHECK(d.detail.rfind("transport error: ", 0) == 0);
  }
}

TEST_CASE("a webhook to an unresolvable host means retry") {
  const Delivery d = connector_for("http://no-such-host.invalid/hook", 2)->deliver(requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail.rfind("transport error: ", 0) == 0);
}

TEST_CASE("one webhook connector delivers from several worker threads at once") {
  wt::ScriptedReceiver receiver(answer(200));
  auto connector = connector_for(receiver.url());
  constexpr int kThreads = 8, kEach = 5;
  std::atomic<int> delivered{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        char id[40];
        std::snprintf(id, sizeof id, "evt_%032d", t * 100 + i);
        if (connector->deliver(requested_event(id)).status == DeliveryStatus::delivered) ++delivered;
      }
    });
  for (auto& w : workers) w.join();
  CHECK(delivered == kThreads * kEach);
  const auto got = receiver.received();
  REQUIRE(got.size() == kThreads * kEach);
  for (const auto& p : got) {
    CHECK(p.signature_ok);
    CHECK(p.id == p.idempotency_key);
    CHECK(nlohmann::json::parse(p.body)["event_id"] == p.id);
  }
}
