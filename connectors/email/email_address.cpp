// See email_address.hpp.
#include "email_address.hpp"

#include <cstring>

namespace rc::handoff {

namespace {

bool is_atext(char c) {
  // RFC 5322 atext: letters, digits and these; no specials, spaces or controls.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c != '\0' && std::strchr("!#$%&'*+/=?^_`{|}~-", c));
}

bool is_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
  for (std::size_t i = 0; i < local.size(); ++i) {
    if (local[i] == '.' && local[i - 1] == '.') return false;
    if (local[i] != '.' && !is_atext(local[i])) return false;
  }
  return true;
}

bool is_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  for (char c : label)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

bool is_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  while (true) {
    const auto dot = domain.find('.');
    if (!is_label(domain.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    domain.remove_prefix(dot + 1);
  }
}

}  // namespace

bool is_email_address(std::string_view address) {
  if (address.size() > 254) return false;
  const auto at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) return false;
  return is_local_part(address.substr(0, at)) && is_domain(address.substr(at + 1));
}

}  // namespace rc::handoff
