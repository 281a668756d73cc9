#include <doctest/doctest.h>

#include "core/redaction.hpp"

using rc::redact;

// Invented data only: NHS numbers from the never-issued 999 range, Ofcom drama numbers,
// example.org addresses, the NI number prefix QQ (never issued) and test card numbers.
TEST_CASE("each kind of identifier is replaced by its typed placeholder") {
  struct Case { const char* in; const char* out; };
  const Case cases[] = {
      {"email jo.bloggs@example.org please", "email [email] please"},
      {"mum is on 07700 900123", "mum is on [phone]"},
      {"ring 0113 496 0000 or 01134960000", "ring [phone] or [phone]"},
      {"call +44 7700 900123 today", "call [phone] today"},
      {"the number (0113) 496 0000", "the number [phone]"},
      {"NHS number 999 123 4567 and 9991234567", "NHS number [nhs_number] and [nhs_number]"},
      {"NI QQ 12 34 56 C and qq123456a", "NI [ni_number] and [ni_number]"},
      {"born 12/03/2015, seen 1-2-24", "born [date], seen [date]"},
      {"DOB 3rd March 2015 or March 3, 2015", "DOB [date] or [date]"},
      {"lives near LS9 8AB and ls14 6ab", "lives near [postcode] and [postcode]"},
      {"card 4111 1111 1111 1111 used", "card [card_number] used"},
      {"card 4111-1111-1111-1111", "card [card_number]"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(redact(c.in) == c.out);
  }
}

TEST_CASE("ordinary words and small numbers are left alone") {
  for (const char* keep : {"she is 7 and in year 3", "worried about attendance since September", "two siblings, ages 4 and 12",
                           "no names here", "999 is the emergency number"}) {
    CAPTURE(keep);
    CHECK(redact(keep) == keep);
  }
}
