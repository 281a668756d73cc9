// See smtp_result.hpp. Every failure is a retry: the outbox owns the backoff and the give-up
// window, and alerts when it gives up. Even a permanent 5xx is retried rather than reported as
// `gone`, because `gone` disables the connector for every conversation, while a 5xx may concern
// this one message (552 too big, 554 content policy) or a fixable setting (550 unknown mailbox):
// the detail says so, and the outbox alerts once its window closes (see README.md).
#include "smtp_result.hpp"

namespace rc::handoff {

namespace {

Delivery retry(std::string detail) { return {DeliveryStatus::retry, std::move(detail), std::nullopt}; }

bool is_tls_failure(CURLcode c) {
  switch (c) {
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

std::string tls_detail(const SmtpAttempt& a) {
  // The common case gets plain words; curl's own text says which certificate check failed.
  if (a.curl_code == CURLE_USE_SSL_FAILED) return "TLS: the server did not offer STARTTLS (starttls is required)";
  return "TLS: " + (a.curl_error.empty() ? std::string(curl_easy_strerror(a.curl_code)) : a.curl_error);
}

std::string reply_detail(long code) {
  const std::string head = "SMTP " + std::to_string(code);
  if (code == 530) return head + ": the server wants authentication (set username and password)";
  if (code >= 400 && code < 500) return head + ": temporary failure";
  return head + ": permanent rejection (check from and to); retried until the outbox gives up";
}

}  // namespace

Delivery classify_smtp_attempt(const SmtpAttempt& a) {
  if (a.curl_code == CURLE_OK) return {DeliveryStatus::delivered, "SMTP " + std::to_string(a.reply_code ? a.reply_code : 250), std::nullopt};
  if (a.curl_code == CURLE_LOGIN_DENIED || a.reply_code == 535) return retry("authentication failed");
  // Checked before the reply code: after STARTTLS the last reply is "220 ready", not the failure.
  if (is_tls_failure(a.curl_code)) return retry(tls_detail(a));
  if (a.curl_code == CURLE_OPERATION_TIMEDOUT) return retry("timeout");
  if (a.curl_code == CURLE_COULDNT_CONNECT) return retry("connection refused");
  if (a.curl_code == CURLE_COULDNT_RESOLVE_HOST) return retry("cannot resolve the SMTP host");
  if (a.reply_code >= 400 && a.reply_code < 600) return retry(reply_detail(a.reply_code));
  return retry(std::string("SMTP transfer failed: ") + curl_easy_strerror(a.curl_code));
}

}  // namespace rc::handoff
