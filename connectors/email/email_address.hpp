// Email address syntax for the connector's settings. Deliberately narrower than RFC 5322: an
// address goes into SMTP commands (MAIL FROM, RCPT TO) and headers (From, To), so anything that
// could end a line, split a list or open a comment or quote (spaces, CR/LF, commas, <>, quotes)
// is refused rather than escaped.
#pragma once
#include <string_view>

namespace rc::handoff {

// "local@domain": local part of atext characters and single dots, domain of LDH labels (a single
// label such as "localhost" is allowed, for a relay on this host). ASCII only.
bool is_email_address(std::string_view address);

}  // namespace rc::handoff
