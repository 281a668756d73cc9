// See webhook_settings.hpp.
#include "webhook_settings.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "webhook_signature.hpp"

namespace rc::handoff::webhook {

namespace {

const std::set<std::string> kAllKinds{"requested", "message", "accepted", "cancelled", "ended"};
const std::set<std::string> kOwnKeys{"url", "secret", "secret_env", "callback_secret", "callback_secret_env", "timeout_seconds"};
constexpr int kMaxTimeoutSeconds = 300;  // a worker waits this long at most for one peer

bool starts_with_ignoring_case(const std::string& text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

// libcurl's own parser, so a URL accepted here is one libcurl can send to. The URL itself is
// left out of errors: some peers put an access token in it.
bool is_sendable_url(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return false;
  char* host = nullptr;
  const bool has_host = curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host;
  curl_free(host);
  return has_host;
}

Result<std::string> parse_url(const std::string& name, const nlohmann::json& settings, const std::string& file) {
  const std::string path = setting_path(name, "url");
  if (!settings.contains("url")) return make_error(path + ": missing (the peer's http:// or https:// address)", file);
  if (!settings["url"].is_string()) return make_error(path + ": expected an http:// or https:// URL", file);
  const std::string url = settings["url"].get<std::string>();
  if (!starts_with_ignoring_case(url, "http://") && !starts_with_ignoring_case(url, "https://"))
    return make_error(path + ": expected an http:// or https:// URL", file);
  if (!is_sendable_url(url)) return make_error(path + ": not a valid URL (expected e.g. https://crm.example.org/hooks/rightconv)", file);
  return url;
}

// "secret" or "secret_env", whichever was given, so the error points where the fix goes.
std::string given_key(const nlohmann::json& settings, const std::string& key) { return settings.contains(key + "_env") ? key + "_env" : key; }

Result<std::string> parse_key(const std::string& name, const nlohmann::json& settings, const std::string& key, bool required,
                              const std::string& file) {
  auto secret = read_secret(name, settings, key, required, file);
  if (!secret) return secret.error();
  if (secret->empty()) return std::string();
  auto decoded = decode_secret(*secret);
  if (!decoded) return make_error(setting_path(name, given_key(settings, key)) + ": expected \"whsec_\" followed by the base64 key", file);
  return *decoded;
}

Result<int> parse_timeout(const std::string& name, const nlohmann::json& settings, const std::string& file) {
  if (!settings.contains("timeout_seconds")) return 10;
  const auto& value = settings["timeout_seconds"];
  if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > kMaxTimeoutSeconds)
    return make_error(setting_path(name, "timeout_seconds") + ": expected a whole number of seconds from 1 to " + std::to_string(kMaxTimeoutSeconds),
                      file);
  return value.get<int>();
}

}  // namespace

Result<WebhookSettings> parse_webhook_settings(const std::string& name, const nlohmann::json& settings, const std::string& file) {
  auto common = parse_common_settings(name, settings, kAllKinds, kOwnKeys, file);
  if (!common) return common.error();
  auto url = parse_url(name, settings, file);
  if (!url) return url.error();
  auto key = parse_key(name, settings, "secret", true, file);
  if (!key) return key.error();
  auto callback_key = parse_key(name, settings, "callback_secret", false, file);
  if (!callback_key) return callback_key.error();
  auto timeout = parse_timeout(name, settings, file);
  if (!timeout) return timeout.error();

  WebhookSettings s;
  s.common = std::move(common.value());
  s.url = std::move(url.value());
  s.key = std::move(key.value());
  s.callback_key = callback_key->empty() ? s.key : std::move(callback_key.value());
  s.timeout_seconds = timeout.value();
  return s;
}

}  // namespace rc::handoff::webhook
