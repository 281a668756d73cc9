// Validation and consistent printing of UK phone numbers and email addresses.
// A detail that fails here is never shown to a user.
#pragma once
#include <optional>
#include <string>

namespace rc {

// Digits of a UK number once spaces are removed: 11 digits starting with 0.
bool is_uk_phone(const std::string& printed);

// The one house style for printing numbers, e.g. "0113 376 0336", "020 7946 0000", "07700 900123".
// Empty when the number is not a well-formed UK number.
std::string format_uk_phone(const std::string& printed);

// Deliberately plain syntax check: one @, a non-empty local part of safe characters,
// a dotted domain of letters, digits and hyphens.
bool is_email(const std::string& address);

// Emergency numbers are the only short numbers allowed.
bool is_emergency_number(const std::string& printed);

}  // namespace rc
