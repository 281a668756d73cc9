// Takes identifying details out of free text before it is stored, logged or forwarded:
// UK phone numbers, emails, postcodes, NHS numbers, National Insurance numbers, dates
// (of birth or otherwise), card numbers, street addresses, and names where the words around
// them say they are names; each replaced by a typed placeholder. What it cannot be sure of
// (a bare name, a house name) is listed in docs/security.md.
#pragma once
#include <string>

namespace rc {

// "ring 07700 900123 or jo@example.org" -> "ring [phone] or [email]"
std::string redact(const std::string& text);

}  // namespace rc
