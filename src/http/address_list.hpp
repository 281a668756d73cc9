// Which client addresses may use a path: exact addresses ("10.1.2.3", "::1") and IPv4
// prefixes ("10.20.0.0/16"). Pure; a malformed entry is an error when the list is read.
#pragma once
#include <string>
#include <vector>

#include "core/result.hpp"

namespace rc::http {

class AddressList {
 public:
  // Every entry checked; the first bad one is the error.
  static Result<AddressList> parse(const std::vector<std::string>& entries);
  bool allows(const std::string& address) const;

 private:
  struct Entry {
    std::string exact;         // when not a prefix
    unsigned prefix_bits = 0;  // IPv4 prefix length; 0 with exact set
    unsigned network = 0;
  };
  std::vector<Entry> entries_;
};

}  // namespace rc::http
