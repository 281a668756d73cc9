// See json_text.hpp.
#include "json_text.hpp"

namespace rc {

bool has_nul_escape(std::string_view text) {
  for (std::size_t at = text.find("u0000"); at != std::string_view::npos; at = text.find("u0000", at + 1)) {
    // An escape only if an odd number of backslashes comes just before ("\\u0000" is a
    // backslash followed by the letters u0000).
    std::size_t slashes = 0;
    while (slashes < at && text[at - 1 - slashes] == '\\') ++slashes;
    if (slashes % 2 == 1) return true;
  }
  return false;
}

}  // namespace rc
