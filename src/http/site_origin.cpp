// See site_origin.hpp.
#include "site_origin.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace rc::http {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_dns_label(const std::string& label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

bool is_host_name(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    const auto dot = host.find('.', start);
    if (!is_dns_label(host.substr(start, dot - start))) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

bool is_bracketed_ipv6(const std::string& host) {
  if (host.size() < 3 || host.front() != '[' || host.back() != ']') return false;
  in6_addr a{};
  return ::inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &a) == 1;
}

bool is_this_machine(const std::string& host) { return host == "localhost" || host == "127.0.0.1" || host == "[::1]"; }

Error problem(const std::string& text, const std::string& why) { return make_error("\"" + text + "\": " + why); }

}  // namespace

Result<std::string> parse_site_origin(const std::string& text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0)
    return problem(text, "expected an origin, scheme://host[:port], such as \"https://www.leedsscp.org.uk\"");
  const std::string scheme = lower(text.substr(0, scheme_end));
  std::string rest = text.substr(scheme_end + 3);
  if (const auto end = rest.find_first_of("/?#"); end != std::string::npos)
    return problem(text, "an origin has no path, query or trailing slash: write \"" + scheme + "://" + lower(rest.substr(0, end)) + "\"");
  if (rest.find('@') != std::string::npos) return problem(text, "an origin has no user name or password");
  if (rest.find('*') != std::string::npos) return problem(text, "wildcards are not allowed: list each site");

  std::string host = lower(rest), port;
  bool has_port = false;
  const auto bracket = host.rfind(']');
  if (const auto colon = host.rfind(':'); colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    has_port = true;
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (!is_host_name(host) && !is_bracketed_ipv6(host))
    return problem(text, "\"" + host + "\" is not a host name (letters, digits, hyphens and dots) or a bracketed IPv6 address");
  if (scheme != "https" && scheme != "http") return problem(text, "the scheme must be https");
  if (scheme == "http" && !is_this_machine(host))
    return problem(text, "a site must use https (http:// only for localhost, 127.0.0.1 and [::1], to try the widget on this machine)");
  if (has_port) {
    const bool digits = !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535) return problem(text, "the port must be a number from 1 to 65535");
    port = std::to_string(std::stoi(port));
    if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80"))
      return problem(text, "leave out the default port (browsers send the origin without it): write \"" + scheme + "://" + host + "\"");
  }
  return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

}  // namespace rc::http
