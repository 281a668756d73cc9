// How each way an SMTP send can end is reported to the outbox.
#include <doctest/doctest.h>

#include "email/smtp_result.hpp"

using namespace rc::handoff;

TEST_CASE("email: each SMTP outcome maps to delivered or retry with a detail that says why") {
  struct Case {
    CURLcode curl;
    long reply;
    const char* error;
    DeliveryStatus status;
    const char* detail_starts;
  };
  const Case cases[] = {
      {CURLE_OK, 250, "", DeliveryStatus::delivered, "SMTP 250"},
      {CURLE_LOGIN_DENIED, 535, "", DeliveryStatus::retry, "authentication failed"},
      {CURLE_USE_SSL_FAILED, 250, "STARTTLS not supported.", DeliveryStatus::retry, "TLS: the server did not offer STARTTLS"},
      {CURLE_PEER_FAILED_VERIFICATION, 220, "SSL certificate problem: self-signed certificate", DeliveryStatus::retry,
       "TLS: SSL certificate problem: self-signed certificate"},
      {CURLE_SSL_CONNECT_ERROR, 220, "", DeliveryStatus::retry, "TLS: "},
      {CURLE_OPERATION_TIMEDOUT, 0, "", DeliveryStatus::retry, "timeout"},
      {CURLE_COULDNT_CONNECT, 0, "", DeliveryStatus::retry, "connection refused"},
      {CURLE_COULDNT_RESOLVE_HOST, 0, "", DeliveryStatus::retry, "cannot resolve the SMTP host"},
      {CURLE_RECV_ERROR, 451, "", DeliveryStatus::retry, "SMTP 451: temporary failure"},
      {CURLE_SEND_ERROR, 421, "", DeliveryStatus::retry, "SMTP 421: temporary failure"},
      {CURLE_SEND_ERROR, 550, "RCPT failed: 550", DeliveryStatus::retry, "SMTP 550: permanent rejection"},
      {CURLE_SEND_ERROR, 530, "", DeliveryStatus::retry, "SMTP 530: the server wants authentication"},
      {CURLE_GOT_NOTHING, 0, "", DeliveryStatus::retry, "SMTP transfer failed: "},
  };
  for (const auto& c : cases) {
    CAPTURE(c.detail_starts);
    const Delivery d = classify_smtp_attempt({c.curl, c.reply, c.error});
    CHECK(d.status == c.status);
    CHECK(d.detail.rfind(c.detail_starts, 0) == 0);
    CHECK_FALSE(d.retry_after_seconds.has_value());
  }
}
