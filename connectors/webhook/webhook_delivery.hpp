// One signed webhook POST with libcurl, and what the peer's answer means for the outbox.
// Safe to call from several outbox workers at once: each call has its own curl handle.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "handoff/connector.hpp"

namespace rc::handoff::webhook {

struct HttpPost {
  std::string url;
  std::vector<std::string> headers;  // "name: value"
  std::string body;
  int timeout_seconds = 10;
};

// libcurl's process-wide set-up, which is not thread-safe: done once, whoever asks first.
// Returns false when libcurl could not start (every delivery then asks for a retry).
bool init_curl_once();

// Sends the POST and reports what happened. Never throws for a peer or network failure.
Delivery send_http_post(const HttpPost& post);

// The outbox's reading of an HTTP status (docs/connectors.md, Delivery).
Delivery classify_http_status(long status, std::optional<int> retry_after_seconds);

}  // namespace rc::handoff::webhook
