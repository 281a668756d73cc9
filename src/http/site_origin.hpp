// A web site's origin as browsers send it (scheme://host[:port]): what the embed settings list as
// the sites that may frame the chat. Pure; checked when the configuration is read.
#pragma once
#include <string>

#include "core/result.hpp"

namespace rc::http {

// "https://www.leedsscp.org.uk" -> the same, with scheme and host in lower case. An error says
// what is wrong and, where it can, what to write instead: a path or trailing slash, a default
// port, a wildcard, user info, a scheme other than https (http only for this machine).
Result<std::string> parse_site_origin(const std::string& text);

}  // namespace rc::http
