// The email connector end to end: the real server sends the hub a request summary through a
// real SMTP server (Debian's aiosmtpd, STARTTLS and AUTH required) that the test starts; the
// outbox marks it delivered only once the server accepted it, and survives a kill -9.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "../../connectors/email/tests/smtp_test_server.hpp"
#include "db_reader.hpp"
#include "handoff_support.hpp"

using namespace rc::test;
using json = nlohmann::json;

namespace {

json email_config(const SmtpTestServer& smtp) {
  return {{"handoff",
           {{"outbox_poll_seconds", 0.2},
            {"routes", json::array({{{"name", "east"}, {"match", {{"area", "east"}}}, {"queue", "east"}, {"connectors", {"console", "east_email"}}, {"contacts", {"hub_east"}}},
                                    {{"name", "any"}, {"match", json::object()}, {"connectors", {"console"}}, {"contacts", {"hub_east"}}}})},
            {"connectors",
             {{"console", {{"type", "console"}}},
              {"east_email",
               {{"type", "email"},
                {"url", smtp.url()},
                {"username", SmtpTestServer::kUser},
                {"password_env", "RC_TEST_SMTP_PASSWORD"},
                {"from", "rightconv@example.org"},
                {"to", {"east.hub@example.org"}},
                {"ca_file", smtp.ca_file()},
                {"timeout_seconds", 5},
                {"retry", {{"initial_seconds", 0.2}, {"max_seconds", 0.5}}}}}}}}}};
}

bool wait_for_mail(const SmtpTestServer& smtp, std::size_t n) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < end) {
    std::size_t accepted = 0;
    for (const auto& m : smtp.received()) accepted += m.value("accepted", false);
    if (accepted >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST_CASE("email - the hub gets the request summary with its reference over STARTTLS - no free text") {
  SmtpTestServer smtp;
  setenv("RC_TEST_SMTP_PASSWORD", SmtpTestServer::kPassword, 1);  // the child server inherits it; never in the config file
  TempDir dir;
  ServerProcess server(dir, {"--config", write_config(dir, email_config(smtp))});
  REQUIRE(server.start());
  WsClient p(server.port());
  walk(p, kToEastHub);
  p.send({{"type", "handoff"}, {"reason", "Ring me about the family at 10 Acacia Avenue"}});
  const std::string ref = p.receive_until({"handoff"}).back()["reference"];
  REQUIRE(wait_for_mail(smtp, 1));
  const json m = smtp.received().back();
  CHECK(m["tls"] == true);
  CHECK(m["authenticated"] == true);
  CHECK(m["rcpt_tos"] == json({"east.hub@example.org"}));
  CHECK(m["headers"]["Subject"].get<std::string>().find(ref) != std::string::npos);
  const std::string body = m["body"];
  CHECK(body.find(ref) != std::string::npos);
  CHECK(body.find("hub_request_east") != std::string::npos);
  CHECK(body.find("Acacia") == std::string::npos);
  CHECK(body.find("routines") == std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(scalar(server.db(), "SELECT status FROM outbox WHERE connector = 'east_email'") == "delivered");
  CHECK(server.log().find(SmtpTestServer::kPassword) == std::string::npos);
}

TEST_CASE("email - the SMTP server down at first - kill -9 - restart sends the request exactly once") {
  setenv("RC_TEST_SMTP_PASSWORD", SmtpTestServer::kPassword, 1);
  SmtpTestServer smtp;
  TempDir dir;
  json down = email_config(smtp);
  down["handoff"]["connectors"]["east_email"]["url"] = "smtp://127.0.0.1:" + std::to_string(closed_port());  // nothing listens there
  ServerProcess server(dir, {"--config", write_config(dir, down)});
  REQUIRE(server.start());
  std::string ref;
  {
    WsClient p(server.port());
    walk(p, kToEastHub);
    p.send({{"type", "handoff"}});
    ref = p.receive_until({"handoff"}).back()["reference"];
  }
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < end && scalar(server.db(), "SELECT attempts FROM outbox WHERE connector = 'east_email'") == "0")
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(scalar(server.db(), "SELECT status FROM outbox WHERE connector = 'east_email'") == "pending");
  CHECK(server.stop(9) == 128 + 9);
  CHECK(smtp.received().empty());
  // The mail server is reachable again (the config now points at it): restart.
  write_config(dir, email_config(smtp));
  REQUIRE(server.start());
  REQUIRE(wait_for_mail(smtp, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  std::size_t accepted = 0;
  for (const auto& m : smtp.received()) accepted += m.value("accepted", false);
  CHECK(accepted == 1);
  CHECK(smtp.received().back()["headers"]["Subject"].get<std::string>().find(ref) != std::string::npos);
  CHECK(scalar(server.db(), "SELECT status FROM outbox WHERE connector = 'east_email'") == "delivered");
}
