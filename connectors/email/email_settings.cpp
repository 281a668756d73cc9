// See email_settings.hpp. One small reader per key; each returns the value or an error that
// starts with the key's full path. Values that may hold a secret (url, password) are never
// quoted back in an error.
#include "email_settings.hpp"

#include <curl/curl.h>

#include <fstream>
#include <memory>

#include "email_address.hpp"

namespace rc::handoff {

namespace {

using nlohmann::json;

const std::set<std::string> kOwnKeys{"url", "username", "password", "password_env", "from", "to",
                                     "starttls", "ca_file", "timeout_seconds", "subject_prefix"};

// Where errors point: the connector's name and the config file.
struct Place {
  const std::string& name;
  const std::string& file;
  Error error(const std::string& key, const std::string& message) const { return make_error(setting_path(name, key) + ": " + message, file); }
};

struct UrlParts {
  std::string scheme, host;
};

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::string url_part(CURLU* u, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, 0) != CURLUE_OK || !value) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

Result<UrlParts> read_url(const Place& at, const json& s) {
  const char* expected = "expected smtp://host:port (STARTTLS) or smtps://host:port (TLS)";
  if (!s.contains("url")) return at.error("url", std::string("missing (") + expected + ")");
  if (!s["url"].is_string()) return at.error("url", expected);
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, s["url"].get<std::string>().c_str(), 0) != CURLUE_OK) return at.error("url", expected);
  UrlParts parts{url_part(u.get(), CURLUPART_SCHEME), url_part(u.get(), CURLUPART_HOST)};
  if ((parts.scheme != "smtp" && parts.scheme != "smtps") || parts.host.empty()) return at.error("url", expected);
  if (!url_part(u.get(), CURLUPART_USER).empty() || !url_part(u.get(), CURLUPART_PASSWORD).empty())
    return at.error("url", "put the credentials in username and password_env, not in the URL");
  if (!url_part(u.get(), CURLUPART_QUERY).empty() || !url_part(u.get(), CURLUPART_FRAGMENT).empty())
    return at.error("url", std::string("no query or fragment: ") + expected);
  return parts;
}

Result<std::string> read_address(const Place& at, const json& s, const std::string& key) {
  if (!s.contains(key)) return at.error(key, "missing (expected an email address)");
  if (!s[key].is_string() || !is_email_address(s[key].get<std::string>())) return at.error(key, "expected an email address such as rightconv@example.org, got " + s[key].dump());
  return s[key].get<std::string>();
}

Result<std::vector<std::string>> read_recipients(const Place& at, const json& s) {
  if (!s.contains("to") || !s["to"].is_array() || s["to"].empty()) return at.error("to", "expected a list of email addresses");
  std::vector<std::string> to;
  for (const auto& item : s["to"]) {
    if (!item.is_string() || !is_email_address(item.get<std::string>()))
      return at.error("to", "expected a list of email addresses, got " + item.dump() + " in it");
    to.push_back(item.get<std::string>());
  }
  return to;
}

bool is_this_host(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1"; }

// "none" only for a relay on this host (e.g. a local Postfix that does its own TLS onward):
// on the loopback nobody can listen in, while across any network the password and the request
// would travel in clear, and a machine in the middle could strip STARTTLS unnoticed.
Result<bool> read_require_tls(const Place& at, const json& s, const UrlParts& url) {
  if (!s.contains("starttls")) return true;
  const json& v = s["starttls"];
  if (v == "required") return true;
  if (v != "none") return at.error("starttls", "expected \"required\" or \"none\", got " + v.dump());
  if (url.scheme == "smtps") return at.error("starttls", "\"none\" does not apply to smtps:// (TLS from the first byte)");
  if (!is_this_host(url.host))
    return at.error("starttls", "\"none\" is only allowed for a relay on this host (127.0.0.1 or localhost): across a network the password and the request would travel in clear");
  return false;
}

Result<std::string> read_ca_file(const Place& at, const json& s) {
  if (!s.contains("ca_file")) return std::string();
  if (!s["ca_file"].is_string() || s["ca_file"].get<std::string>().empty()) return at.error("ca_file", "expected the path of a PEM file of CA certificates");
  const std::string path = s["ca_file"].get<std::string>();
  if (!std::ifstream(path).good()) return at.error("ca_file", "cannot read " + s["ca_file"].dump());
  return path;
}

Result<int> read_timeout(const Place& at, const json& s) {
  if (!s.contains("timeout_seconds")) return 30;
  const json& v = s["timeout_seconds"];
  if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 600)
    return at.error("timeout_seconds", "expected a whole number of seconds from 1 to 600, got " + v.dump());
  return static_cast<int>(v.get<long long>());
}

// Printable ASCII only: the prefix goes into the Subject header as it is.
Result<std::string> read_subject_prefix(const Place& at, const json& s) {
  if (!s.contains("subject_prefix")) return std::string("rightconv");
  const json& v = s["subject_prefix"];
  bool ok = v.is_string() && !v.get<std::string>().empty() && v.get<std::string>().size() <= 60;
  if (ok)
    for (char c : v.get<std::string>()) ok = ok && c >= 0x20 && c <= 0x7e;
  if (!ok) return at.error("subject_prefix", "expected 1 to 60 printable ASCII characters");
  return v.get<std::string>();
}

// username, then password or password_env: required with a username, refused without one.
Result<std::pair<std::string, std::string>> read_credentials(const Place& at, const json& s) {
  std::string user;
  if (s.contains("username")) {
    const json& v = s["username"];
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().find_first_of("\r\n") != std::string::npos)
      return at.error("username", "expected a non-empty string");
    user = v.get<std::string>();
  }
  if (user.empty() && (s.contains("password") || s.contains("password_env"))) return at.error("password", "given without a username");
  auto password = read_secret(at.name, s, "password", !user.empty(), at.file);
  if (!password) return password.error();
  return std::make_pair(user, password.value());
}

}  // namespace

Result<EmailSettings> parse_email_settings(const std::string& name, const json& s, const std::string& file) {
  auto common = parse_common_settings(name, s, {"requested"}, kOwnKeys, file);
  if (!common) return common.error();
  const Place at{name, file};
  auto url = read_url(at, s);
  if (!url) return url.error();
  auto credentials = read_credentials(at, s);
  if (!credentials) return credentials.error();
  auto from = read_address(at, s, "from");
  if (!from) return from.error();
  auto to = read_recipients(at, s);
  if (!to) return to.error();
  auto require_tls = read_require_tls(at, s, url.value());
  if (!require_tls) return require_tls.error();
  auto ca_file = read_ca_file(at, s);
  if (!ca_file) return ca_file.error();
  auto timeout = read_timeout(at, s);
  if (!timeout) return timeout.error();
  auto prefix = read_subject_prefix(at, s);
  if (!prefix) return prefix.error();

  EmailSettings e;
  e.common = common.value();
  e.host = url->host;
  e.smtp = SmtpTarget{s["url"].get<std::string>(), credentials->first, credentials->second, from.value(), to.value(),
                      require_tls.value(), ca_file.value(), timeout.value()};
  e.message = MessageSettings{from.value(), to.value(), prefix.value(), e.common.include_free_text};
  return e;
}

}  // namespace rc::handoff
