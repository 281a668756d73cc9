// The email built for each event: headers, the subject's plain tokens, and the free-text lock.
#include <doctest/doctest.h>

#include "email/email_body.hpp"
#include "email/email_message.hpp"
#include "email_test_events.hpp"

using namespace rc::handoff;

namespace {

MessageSettings settings(bool include_free_text = false) { return {"rightconv@example.org", {"east.hub@example.org"}, "rightconv", include_free_text}; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string headers_of(const std::string& message) { return message.substr(0, message.find("\r\n\r\n") + 2); }

}  // namespace

TEST_CASE("email: the message has the RFC 5322 headers in order and a blank line before the body") {
  const std::string m = compose_email(rc::test::requested_event(), settings());
  CHECK(headers_of(m) ==
        "From: rightconv@example.org\r\n"
        "To: east.hub@example.org\r\n"
        "Subject: rightconv: request for support HO-7KQ2-M9XD (east, early_help_assessment)\r\n"
        "Date: Wed, 25 Nov 2026 10:32:05 +0000\r\n"
        "Message-ID: <evt_5f0c1e2d3b4a59687766554433221100@rightconv>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "X-Rightconv-Reference: HO-7KQ2-M9XD\r\n"
        "X-Rightconv-Event: requested\r\n");
}

TEST_CASE("email: the subject is built from plain tokens so a payload cannot put text or a header in it") {
  auto e = rc::test::requested_event();
  e.payload["route"] = "east\r\nBcc: someone@example.org";
  e.payload["data"]["outcome"] = "Worried about Jo";
  const std::string subject = email_subject(e, "rightconv");
  CHECK(subject == "rightconv: request for support HO-7KQ2-M9XD (east__Bcc__someone_example.org, Worried_about_Jo)");
  CHECK_FALSE(contains(headers_of(compose_email(e, settings())), "\r\nBcc"));
}

TEST_CASE("email: a requested event without an outcome or route still has a subject") {
  auto e = rc::test::requested_event();
  e.payload.erase("route");
  e.payload["data"]["outcome"] = nullptr;
  CHECK(email_subject(e, "hub") == "hub: request for support HO-7KQ2-M9XD");
  CHECK(contains(email_body(e, false), "Outcome:   not reached"));
}

TEST_CASE("email: the reason and typed answers are left out without include_free_text even when the payload has them") {
  const std::string without = email_body(rc::test::requested_event(), false);
  CHECK_FALSE(contains(without, rc::test::kReason));
  CHECK_FALSE(contains(without, rc::test::kTypedAnswer));
  const std::string with = email_body(rc::test::requested_event(), true);
  CHECK(contains(with, rc::test::kReason));
  CHECK(contains(with, rc::test::kTypedAnswer));
}

TEST_CASE("email: a message event shows its text only with include_free_text") {
  const auto e = rc::test::event_of_kind("message", {{"from", "practitioner"}, {"text", "Mum has moved out"}, {"safety_alert", true}});
  CHECK(email_subject(e, "rightconv") == "rightconv: new message on HO-7KQ2-M9XD (east)");
  const std::string without = email_body(e, false);
  CHECK_FALSE(contains(without, "Mum has moved out"));
  CHECK(contains(without, "Read it in the review page"));
  CHECK(contains(without, "safety interrupt"));
  CHECK(contains(email_body(e, true), "Mum has moved out"));
}

TEST_CASE("email: status events have short subjects with the reference") {
  struct Case {
    const char* kind;
    const char* subject;
  };
  for (const Case c : {Case{"accepted", "rightconv: HO-7KQ2-M9XD accepted (east)"}, Case{"cancelled", "rightconv: HO-7KQ2-M9XD cancelled by the practitioner (east)"},
                       Case{"ended", "rightconv: HO-7KQ2-M9XD ended (east)"}}) {
    const auto e = rc::test::event_of_kind(c.kind, {{"by", "Sam (East hub)"}, {"via", "console"}});
    CHECK(email_subject(e, "rightconv") == c.subject);
    CHECK(contains(email_body(e, false), "HO-7KQ2-M9XD"));
  }
}

TEST_CASE("email: a long recipient list is folded under 78 columns") {
  MessageSettings s = settings();
  s.to = {"first.person@example.org", "second.person@example.org", "third.person@example.org", "fourth.person@example.org"};
  const std::string h = headers_of(compose_email(rc::test::requested_event(), s));
  CHECK(contains(h, "To: first.person@example.org, second.person@example.org,\r\n third.person@example.org,"));
}

TEST_CASE("email: dates are RFC 5322 in UTC whatever the locale") {
  CHECK(rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(rfc5322_date(rc::test::kCreatedAt) == "Wed, 25 Nov 2026 10:32:05 +0000");
  CHECK(utc_time_text(rc::test::kCreatedAt) == "2026-11-25 10:32:05 UTC");
}

TEST_CASE("email: the Message-ID keeps only safe characters of the event id") {
  CHECK(email_message_id("evt_abc") == "<evt_abc@rightconv>");
  CHECK(email_message_id("evt_a>b c") == "<evt_a_b_c@rightconv>");
}
