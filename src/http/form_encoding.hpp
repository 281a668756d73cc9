// application/x-www-form-urlencoded, as telephony providers post their webhooks, and the same
// encoding for the query strings of the action URLs we hand them. Pure.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace rc::http {

// Name-value pairs in the order they came; a name may repeat.
using FormFields = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x+y%21" -> {a: 1, b: "x y!"}. A broken %-escape is an error, not a guess.
Result<FormFields> parse_form(std::string_view text);

// The first value of `name`, or "" when it is absent.
std::string field(const FormFields& fields, std::string_view name);
bool has_field(const FormFields& fields, std::string_view name);

// Percent-encodes everything but the unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string url_encode(std::string_view text);

}  // namespace rc::http
