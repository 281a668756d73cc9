// See address_list.hpp.
#include "address_list.hpp"

#include <arpa/inet.h>

namespace rc::http {

namespace {

bool ipv4(const std::string& text, unsigned& out) {
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return false;
  out = ntohl(a.s_addr);
  return true;
}

bool ipv6(const std::string& text) {
  in6_addr a{};
  return ::inet_pton(AF_INET6, text.c_str(), &a) == 1;
}

}  // namespace

Result<AddressList> AddressList::parse(const std::vector<std::string>& entries) {
  AddressList list;
  for (const auto& e : entries) {
    const auto slash = e.find('/');
    if (slash == std::string::npos) {
      unsigned ignored = 0;
      if (!ipv4(e, ignored) && !ipv6(e)) return make_error("\"" + e + "\" is not an IP address");
      list.entries_.push_back({e, 0, 0});
      continue;
    }
    unsigned network = 0;
    const std::string bits = e.substr(slash + 1);
    if (!ipv4(e.substr(0, slash), network) || bits.empty() || bits.size() > 2 || bits.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(bits) < 1 || std::stoi(bits) > 32)
      return make_error("\"" + e + "\" is not an IPv4 prefix such as 10.20.0.0/16");
    const unsigned n = static_cast<unsigned>(std::stoi(bits));
    const unsigned mask = n == 32 ? 0xffffffffu : ~(0xffffffffu >> n);
    list.entries_.push_back({"", n, network & mask});
  }
  return list;
}

bool AddressList::allows(const std::string& address) const {
  unsigned a = 0;
  const bool v4 = ipv4(address, a);
  for (const auto& e : entries_) {
    if (!e.exact.empty()) {
      if (e.exact == address) return true;
      continue;
    }
    const unsigned mask = e.prefix_bits == 32 ? 0xffffffffu : ~(0xffffffffu >> e.prefix_bits);
    if (v4 && (a & mask) == e.network) return true;
  }
  return false;
}

}  // namespace rc::http
