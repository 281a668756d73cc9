// Takes identifying details out of free text before it is stored, logged or forwarded:
// UK phone numbers, emails, postcodes, NHS numbers, National Insurance numbers, dates
// (of birth or otherwise), and card numbers, each replaced by a typed placeholder.
#pragma once
#include <string>

namespace rc {

// "ring 07700 900123 or jo@example.org" -> "ring [phone] or [email]"
std::string redact(const std::string& text);

}  // namespace rc
