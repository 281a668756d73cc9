// See smtp_client.hpp. One easy handle per send: no state is shared between threads, and a
// connection that failed half-way is never reused for the next event.
#include "smtp_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "smtp_result.hpp"

namespace rc::handoff {

namespace {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

// The message as curl reads it during DATA. curl itself dot-stuffs lines that start with "."
// and adds the final CRLF.CRLF, so the text is passed as it is.
struct Upload {
  std::string_view rest;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, up->rest.size());
  std::memcpy(buffer, up->rest.data(), n);
  up->rest.remove_prefix(n);
  return n;
}

// Anything the server sends back outside DATA (there is none for a send) is dropped.
size_t ignore_output(char*, size_t size, size_t count, void*) { return size * count; }

List recipients(const std::vector<std::string>& to) {
  curl_slist* list = nullptr;
  for (const auto& address : to) {
    curl_slist* grown = curl_slist_append(list, ("<" + address + ">").c_str());
    if (!grown) break;  // out of memory: the send then fails on a missing recipient, a retry
    list = grown;
  }
  return List(list);
}

void set_security(CURL* h, const SmtpTarget& t) {
  // smtp:// upgrades with STARTTLS; CURLUSESSL_ALL makes curl stop, before AUTH or MAIL, if the
  // server does not offer it, instead of quietly sending the password and the message in clear.
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(t.require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!t.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, t.ca_file.c_str());
  if (!t.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, t.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, t.password.c_str());
  }
}

void set_limits(CURL* h, const SmtpTarget& t) {
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // several outbox threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(t.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(t.timeout_seconds));
  // Never CURLOPT_VERBOSE: its trace shows the AUTH exchange (the password, base64) and the body.
  curl_easy_setopt(h, CURLOPT_VERBOSE, 0L);
}

}  // namespace

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Delivery send_smtp(const SmtpTarget& target, std::string_view message) {
  init_curl_once();
  Easy h(curl_easy_init());
  if (!h) return {DeliveryStatus::retry, "SMTP transfer failed: could not make a curl handle", std::nullopt};
  List rcpt = recipients(target.to);
  Upload upload{message};
  char error[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(h.get(), CURLOPT_URL, target.url.c_str());
  set_security(h.get(), target);
  set_limits(h.get(), target);
  curl_easy_setopt(h.get(), CURLOPT_MAIL_FROM, ("<" + target.from + ">").c_str());
  curl_easy_setopt(h.get(), CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h.get(), CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(h.get(), CURLOPT_READDATA, &upload);
  curl_easy_setopt(h.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, ignore_output);
  curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, error);

  SmtpAttempt attempt;
  attempt.curl_code = curl_easy_perform(h.get());
  curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &attempt.reply_code);
  attempt.curl_error = error;
  return classify_smtp_attempt(attempt);
}

}  // namespace rc::handoff
