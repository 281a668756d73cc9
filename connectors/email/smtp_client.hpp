// Sends one message over SMTP with libcurl (STARTTLS, AUTH, MAIL FROM, RCPT TO, DATA) and says
// what the server answered, as a Delivery for the outbox. It never retries by itself.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "handoff/connector.hpp"

namespace rc::handoff {

// Where and how to send: parsed once from the connector's settings.
struct SmtpTarget {
  std::string url;               // smtp://host:port (STARTTLS) or smtps://host:port (TLS from the first byte)
  std::string username;          // empty: no AUTH
  std::string password;          // never logged, never in a detail
  std::string from;              // envelope sender (MAIL FROM)
  std::vector<std::string> to;   // envelope recipients (RCPT TO)
  bool require_tls = true;       // false only for a relay on this host (see README.md)
  std::string ca_file;           // a private CA; empty: the system's CAs
  int timeout_seconds = 30;      // for the whole exchange, connect included
};

// libcurl's global set-up, done once per process before any thread sends (curl_global_init is
// not thread-safe). Safe to call from any thread any number of times.
void init_curl_once();

// Sends `message` (a complete RFC 5322 message with CRLF line ends) to every recipient, or to
// none: one refused recipient fails the whole send, so a retry never leaves some hub staff with
// two copies and others with none. Thread-safe: each call has its own curl handle.
Delivery send_smtp(const SmtpTarget& target, std::string_view message);

}  // namespace rc::handoff
