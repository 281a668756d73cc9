// UK phone and email checks. Kept strict on purpose: a number that is one digit short is
// worse than no number, because a worried practitioner would ring it.
#include "contact_check.hpp"

#include <cctype>

namespace rc {
namespace {

// Only digits and single spaces are accepted; brackets, dashes or letters mean the detail
// was copied wrongly and must be looked at by a person.
std::optional<std::string> digits_only(const std::string& printed) {
  std::string digits;
  for (char c : printed) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits += c;
    else if (c != ' ')
      return std::nullopt;
  }
  return digits;
}

}  // namespace

bool is_uk_phone(const std::string& printed) {
  auto d = digits_only(printed);
  return d && d->size() == 11 && (*d)[0] == '0' && (*d)[1] != '0';
}

std::string format_uk_phone(const std::string& printed) {
  if (!is_uk_phone(printed)) return {};
  const std::string d = *digits_only(printed);
  auto split = [&](std::initializer_list<std::size_t> groups) {
    std::string out;
    std::size_t at = 0;
    for (auto g : groups) {
      if (!out.empty()) out += ' ';
      out += d.substr(at, g);
      at += g;
    }
    return out;
  };
  if (d[1] == '2') return split({3, 4, 4});                        // 020 7946 0000
  if (d[1] == '1' && (d[2] == '1' || d[3] == '1')) return split({4, 3, 4});  // 0113 376 0336, 0161 ...
  if (d[1] == '3' || d[1] == '8' || d[1] == '9') return split({4, 3, 4});    // 0300 123 4567
  return split({5, 6});                                            // 07700 900123, 01904 123456
}

bool is_emergency_number(const std::string& printed) { return printed == "999" || printed == "112"; }

bool is_email(const std::string& address) {
  auto at = address.find('@');
  if (at == std::string::npos || at == 0 || address.find('@', at + 1) != std::string::npos) return false;
  const std::string local = address.substr(0, at), domain = address.substr(at + 1);
  for (char c : local) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || std::string("._%+-").find(c) != std::string::npos)) return false;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) return false;
  if (domain.empty() || domain.find('.') == std::string::npos) return false;
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      const std::string label = domain.substr(label_start, i - label_start);
      if (label.empty() || label.front() == '-' || label.back() == '-') return false;
      label_start = i + 1;
      continue;
    }
    unsigned char u = static_cast<unsigned char>(domain[i]);
    if (!(std::isalnum(u) || domain[i] == '-')) return false;
  }
  const std::string tld = domain.substr(domain.rfind('.') + 1);
  if (tld.size() < 2) return false;
  for (char c : tld)
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace rc
