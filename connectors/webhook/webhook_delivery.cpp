// See webhook_delivery.hpp.
#include "webhook_delivery.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <mutex>

namespace rc::handoff::webhook {

namespace {

using EasyHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

// The peer's answer body is not used: only its status is. Without a write callback libcurl would print it.
std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// "Expect:" (empty) stops libcurl waiting for "100 Continue" before sending a large body.
HeaderList make_header_list(std::vector<std::string> headers) {
  headers.push_back("Expect:");
  curl_slist* list = nullptr;
  for (const auto& h : headers) {
    curl_slist* grown = curl_slist_append(list, h.c_str());
    if (!grown) {
      curl_slist_free_all(list);
      return HeaderList(nullptr, curl_slist_free_all);
    }
    list = grown;
  }
  return HeaderList(list, curl_slist_free_all);
}

void set_options(CURL* curl, const HttpPost& post, curl_slist* headers) {
  const long timeout_ms = static_cast<long>(post.timeout_seconds) * 1000;
  curl_easy_setopt(curl, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "rightconv-webhook/1");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
  // Worker threads must not receive SIGALRM from libcurl's DNS timeouts.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
}

// libcurl reads both forms of Retry-After (seconds and an HTTP date); 0 means the peer gave none.
std::optional<int> read_retry_after(CURL* curl) {
  curl_off_t seconds = 0;
  if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &seconds) != CURLE_OK || seconds <= 0) return std::nullopt;
  return static_cast<int>(std::min<curl_off_t>(seconds, std::numeric_limits<int>::max()));
}

// curl_easy_strerror's wording is generic: it never holds the URL, a header or the body.
Delivery describe_transport_failure(CURLcode code, int timeout_seconds) {
  if (code == CURLE_OPERATION_TIMEDOUT) return {DeliveryStatus::retry, "timeout after " + std::to_string(timeout_seconds) + " s", std::nullopt};
  return {DeliveryStatus::retry, std::string("transport error: ") + curl_easy_strerror(code), std::nullopt};
}

}  // namespace

bool init_curl_once() {
  static const bool started = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;  // a magic static: one caller runs it
  return started;
}

Delivery classify_http_status(long status, std::optional<int> retry_after_seconds) {
  const std::string detail = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) return {DeliveryStatus::delivered, detail, std::nullopt};
  if (status == 409) return {DeliveryStatus::duplicate, detail, std::nullopt};
  if (status == 410) return {DeliveryStatus::gone, detail, std::nullopt};
  if (status == 429 || (status >= 500 && status < 600)) return {DeliveryStatus::retry, detail, retry_after_seconds};
  return {DeliveryStatus::retry, detail + " (unexpected status)", std::nullopt};
}

Delivery send_http_post(const HttpPost& post) {
  if (!init_curl_once()) return {DeliveryStatus::retry, "libcurl could not start", std::nullopt};
  EasyHandle curl(curl_easy_init(), curl_easy_cleanup);
  HeaderList headers = make_header_list(post.headers);
  if (!curl || !headers) return {DeliveryStatus::retry, "libcurl could not allocate a request", std::nullopt};
  set_options(curl.get(), post, headers.get());
  const CURLcode code = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  // The status line is the peer's answer. A body cut short after a 2xx (the peer closed early,
  // or stalled) does not undo it: sending again would deliver the event twice.
  if (code != CURLE_OK && status == 0) return describe_transport_failure(code, post.timeout_seconds);
  return classify_http_status(status, read_retry_after(curl.get()));
}

}  // namespace rc::handoff::webhook
