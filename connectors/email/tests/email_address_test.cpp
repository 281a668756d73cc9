// Which addresses the settings take: plain ones yes, anything that could break a header no.
#include <doctest/doctest.h>

#include <string>

#include "email/email_address.hpp"

using rc::handoff::is_email_address;

TEST_CASE("email: ordinary addresses are accepted") {
  for (const char* a : {"east.hub@example.org", "a+b@leeds.gov.uk", "o'neil@example.org", "relay@localhost", "x@x-1.example"})
    CHECK_MESSAGE(is_email_address(a), std::string(a));
}

TEST_CASE("email: addresses that could break a header or an SMTP command are refused") {
  for (const char* a : {"", "no-at-sign", "a@b@c", "@example.org", "a@", "a b@example.org", "a@example.org\r\nBcc: x@y", "<a@example.org>",
                        "a,b@example.org", "\"a\"@example.org", ".a@example.org", "a..b@example.org", "a@-example.org", "a@example..org",
                        "a@example.org.", "jos\xc3\xa9@example.org"})
    CHECK_MESSAGE(!is_email_address(a), std::string(a));
}
