// Quoted-printable (RFC 2045 6.7) for the message body: 7-bit safe for any relay whether or not
// it speaks 8BITMIME, lines kept to 76 characters however long the text's own lines are, and
// plain ASCII text stays readable in the raw message.
#pragma once
#include <string>
#include <string_view>

namespace rc::handoff {

// Encodes UTF-8 text whose lines end in "\n", "\r\n" or "\r" into quoted-printable lines
// ending in CRLF. Control characters other than tab are dropped: they have no place in a
// plain-text summary and some mail clients act on them.
std::string encode_quoted_printable(std::string_view text);

}  // namespace rc::handoff
