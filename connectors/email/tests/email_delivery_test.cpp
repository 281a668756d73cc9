// The email connector against a real SMTP server (aiosmtpd, STARTTLS and AUTH required): what
// arrives, and what the outbox is told when the server, the network or TLS says no.
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "email/email_connector.hpp"
#include "email_test_events.hpp"
#include "smtp_test_server.hpp"

using nlohmann::json;
using namespace rc::handoff;
using rc::test::SmtpTestServer;

namespace {

json settings_for(const std::string& url, const std::string& ca_file) {
  json s = {{"type", "email"},
            {"url", url},
            {"username", SmtpTestServer::kUser},
            {"password", SmtpTestServer::kPassword},
            {"from", "rightconv@example.org"},
            {"to", {"east.hub@example.org", "duty.lead@example.org"}},
            {"timeout_seconds", 10}};
  if (!ca_file.empty()) s["ca_file"] = ca_file;
  return s;
}

json settings_for(const SmtpTestServer& server) { return settings_for(server.url(), server.ca_file()); }

std::unique_ptr<Connector> connector_from(const json& settings) {
  ConnectorContext ctx;
  ctx.name = "east_email";
  ctx.type = "email";
  ctx.settings = settings;
  auto made = make_email_connector(ctx);
  REQUIRE_MESSAGE(made.ok(), (made.ok() ? "" : made.error().describe()));
  return std::move(made.value());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The decoded body as Python hands it over, with its CRLF line ends made "\n".
std::string body_of(const json& received) {
  std::string body;
  for (char c : received["body"].get<std::string>())
    if (c != '\r') body += c;
  return body;
}

}  // namespace

TEST_CASE("email: a requested event arrives over STARTTLS with AUTH and the reference in the subject and body") {
  SmtpTestServer server;
  auto email = connector_from(settings_for(server));
  const Delivery d = email->deliver(rc::test::requested_event());
  CHECK(d.status == DeliveryStatus::delivered);
  CHECK(d.detail == "SMTP 250");

  const auto got = server.received();
  REQUIRE(got.size() == 1);
  const json& m = got[0];
  CHECK(m["tls"] == true);
  CHECK(m["authenticated"] == true);
  CHECK(m["auth_user"] == SmtpTestServer::kUser);
  CHECK(m["mail_from"] == "rightconv@example.org");
  CHECK(m["rcpt_tos"] == json({"east.hub@example.org", "duty.lead@example.org"}));

  const json& h = m["headers"];
  CHECK(h["From"] == "rightconv@example.org");
  CHECK(h["To"] == "east.hub@example.org, duty.lead@example.org");
  CHECK(h["Subject"] == "rightconv: request for support HO-7KQ2-M9XD (east, early_help_assessment)");
  CHECK(h["Message-ID"] == "<evt_5f0c1e2d3b4a59687766554433221100@rightconv>");
  CHECK(h["Date"] == "Wed, 25 Nov 2026 10:32:05 +0000");
  CHECK(m["content_type"] == "text/plain");
  CHECK(m["charset"] == "utf-8");

  const std::string body = body_of(m);
  for (const char* part : {"HO-7KQ2-M9XD", "Route:     east", "Area:      east", "Early Help Assessment and a request to the hub (early_help_assessment)",
                           "Consent:   yes", "Urgent:    no", "2026-11-25 10:32:05 UTC", "Is the child in immediate danger?", "Several",
                           "Cost: £0, café visit"})
    CHECK_MESSAGE(contains(body, part), std::string(part));
  // A line holding only "." survives: curl dot-stuffs it and the server un-stuffs it.
  CHECK(contains(body, "summary\n.\n..two dots\n"));

  const std::string raw = m["raw"];
  CHECK(raw.find('\n') == raw.find("\r\n") + 1);  // CRLF line ends...
  for (std::size_t i = raw.find('\n'); i != std::string::npos; i = raw.find('\n', i + 1)) REQUIRE(raw[i - 1] == '\r');  // ...everywhere
}

TEST_CASE("email: free text stays out of the email when include_free_text is false even if the payload carries it") {
  SmtpTestServer server;
  auto email = connector_from(settings_for(server));
  REQUIRE(email->deliver(rc::test::requested_event()).status == DeliveryStatus::delivered);
  const auto got = server.received();
  REQUIRE(got.size() == 1);
  const std::string raw = got[0]["raw"], body = body_of(got[0]);
  CHECK_FALSE(contains(body, rc::test::kReason));
  CHECK_FALSE(contains(body, rc::test::kTypedAnswer));
  CHECK_FALSE(contains(raw, "Worried"));
  CHECK(contains(body, "Several"));  // chosen answers still come
}

TEST_CASE("email: free text is in the body but never the subject when include_free_text is true") {
  SmtpTestServer server;
  json s = settings_for(server);
  s["include_free_text"] = true;
  auto email = connector_from(s);
  CHECK(email->includes_free_text());
  REQUIRE(email->deliver(rc::test::requested_event()).status == DeliveryStatus::delivered);
  const auto got = server.received();
  REQUIRE(got.size() == 1);
  const std::string body = body_of(got[0]);
  CHECK(contains(body, rc::test::kReason));
  CHECK(contains(body, rc::test::kTypedAnswer));
  CHECK_FALSE(contains(got[0]["headers"]["Subject"].get<std::string>(), "Worried"));
}

TEST_CASE("email: a retried event is sent again with the same Message-ID") {
  SmtpTestServer server;
  auto email = connector_from(settings_for(server));
  auto event = rc::test::requested_event();
  REQUIRE(email->deliver(event).status == DeliveryStatus::delivered);
  event.attempt = 2;
  REQUIRE(email->deliver(event).status == DeliveryStatus::delivered);
  const auto got = server.received();
  REQUIRE(got.size() == 2);
  CHECK(got[0]["headers"]["Message-ID"] == got[1]["headers"]["Message-ID"]);
}

TEST_CASE("email: a cancelled event sends a short email with the reference") {
  SmtpTestServer server;
  json s = settings_for(server);
  s["events"] = {"requested", "cancelled"};
  auto email = connector_from(s);
  CHECK(email->wants("cancelled"));
  REQUIRE(email->deliver(rc::test::event_of_kind("cancelled", {{"by", "practitioner"}})).status == DeliveryStatus::delivered);
  const auto got = server.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0]["headers"]["Subject"] == "rightconv: HO-7KQ2-M9XD cancelled by the practitioner (east)");
  CHECK(contains(body_of(got[0]), "The practitioner cancelled request HO-7KQ2-M9XD"));
}

TEST_CASE("email: events sent from several threads at once all arrive") {
  SmtpTestServer server;
  auto email = connector_from(settings_for(server));
  std::vector<std::thread> threads;
  std::vector<DeliveryStatus> status(4, DeliveryStatus::retry);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] { status[i] = email->deliver(rc::test::requested_event("evt_0000000000000000000000000000000" + std::to_string(i))).status; });
  for (auto& t : threads) t.join();
  for (auto st : status) CHECK(st == DeliveryStatus::delivered);
  std::set<std::string> ids;
  for (const auto& m : server.received()) ids.insert(m["headers"]["Message-ID"].get<std::string>());
  CHECK(ids.size() == 4);
}

TEST_CASE("email: a wrong password is a retry with authentication failed and sends nothing") {
  SmtpTestServer server;
  json s = settings_for(server);
  s["password"] = "wrong";
  const Delivery d = connector_from(s)->deliver(rc::test::requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail == "authentication failed");
  CHECK(server.received().empty());
}

TEST_CASE("email: a closed port is a retry") {
  const Delivery d = connector_from(settings_for("smtp://127.0.0.1:" + std::to_string(rc::test::closed_port()), ""))->deliver(rc::test::requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail == "connection refused");
}

TEST_CASE("email: a server that never answers is a retry with timeout") {
  rc::test::SilentListener silent;
  json s = settings_for("smtp://127.0.0.1:" + std::to_string(silent.port()), "");
  s["timeout_seconds"] = 1;
  const Delivery d = connector_from(s)->deliver(rc::test::requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail == "timeout");
}

TEST_CASE("email: a 451 from the server is a retry with SMTP 451") {
  SmtpTestServer server({.starttls = true, .data_reply = "451 4.3.0 Try again later"});
  const Delivery d = connector_from(settings_for(server))->deliver(rc::test::requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail.rfind("SMTP 451", 0) == 0);
}

TEST_CASE("email: a 550 from the server is a retry that says the rejection is permanent") {
  SmtpTestServer server({.starttls = true, .data_reply = "550 5.1.1 Mailbox unknown"});
  const Delivery d = connector_from(settings_for(server))->deliver(rc::test::requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail.rfind("SMTP 550: permanent rejection", 0) == 0);
}

TEST_CASE("email: a server without STARTTLS gets nothing when starttls is required") {
  SmtpTestServer server({.starttls = false});
  const Delivery d = connector_from(settings_for(server.url(), ""))->deliver(rc::test::requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail.rfind("TLS: ", 0) == 0);
  CHECK(server.received().empty());
}

TEST_CASE("email: a certificate the system CAs do not trust is a retry with a TLS detail") {
  SmtpTestServer server;
  const Delivery d = connector_from(settings_for(server.url(), ""))->deliver(rc::test::requested_event());
  CHECK(d.status == DeliveryStatus::retry);
  CHECK(d.detail.rfind("TLS: ", 0) == 0);
  CHECK_FALSE(contains(d.detail, SmtpTestServer::kPassword));
  CHECK(server.received().empty());
}

TEST_CASE("email: starttls none sends in clear to a relay on this host") {
  SmtpTestServer server({.starttls = false});
  json s = settings_for(server.url(), "");
  s["starttls"] = "none";
  REQUIRE(connector_from(s)->deliver(rc::test::requested_event()).status == DeliveryStatus::delivered);
  const auto got = server.received();
  REQUIRE(got.size() == 1);
  CHECK(got[0]["tls"] == false);
  CHECK(got[0]["authenticated"] == true);
}
