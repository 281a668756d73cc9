// What an SMTP send through libcurl came to, as a Delivery for the outbox: the mapping from
// curl's result and the server's last reply code to delivered or retry, with a short detail.
#pragma once
#include <curl/curl.h>

#include <string>

#include "handoff/connector.hpp"

namespace rc::handoff {

struct SmtpAttempt {
  CURLcode curl_code = CURLE_OK;
  long reply_code = 0;       // the server's last SMTP reply (CURLINFO_RESPONSE_CODE), 0 when none
  std::string curl_error;    // curl's error buffer: never holds the password or the message
};

// delivered on 250; retry for everything else, with a detail that starts with what went wrong:
// "authentication failed", "TLS: ...", "timeout", "connection refused", "SMTP 451 ...", "SMTP 550 ...".
Delivery classify_smtp_attempt(const SmtpAttempt& attempt);

}  // namespace rc::handoff
