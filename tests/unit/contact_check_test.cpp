#include <doctest/doctest.h>

#include "core/contact_check.hpp"

using namespace rc;

TEST_CASE("UK phone numbers: 11 digits starting 0 once spaces are removed - printed in one style") {
  struct Case { const char* printed; const char* formatted; };
  const Case cases[] = {
      {"0113 3760336", "0113 376 0336"},
      {"0113 378 1840", "0113 378 1840"},
      {"01133781840", "0113 378 1840"},
      {"0113 5351924", "0113 535 1924"},
      {"020 7946 0000", "020 7946 0000"},
      {"07700 900123", "07700 900123"},
      {"0300 123 4567", "0300 123 4567"},
      {"0161 496 0000", "0161 496 0000"},
      {"01904 123456", "01904 123456"},
      // malformed: never formatted, never shown
      {"0113535899", ""},       // the East hub as published: ten digits
      {"0113 378 18400", ""},   // twelve digits
      {"1133760336", ""},       // no leading 0
      {"0013 376 0336", ""},    // international prefix is not a UK number
      {"0113-376-0336", ""},    // dashes mean it was copied wrongly
      {"0113 376 033O", ""},    // letter O for zero
      {"+44 113 376 0336", ""},
      {"", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.printed);
    CHECK(format_uk_phone(c.printed) == c.formatted);
    CHECK(is_uk_phone(c.printed) == (std::string(c.formatted) != ""));
  }
}

TEST_CASE("999 is the only short number allowed - and only as an emergency number") {
  CHECK(is_emergency_number("999"));
  CHECK_FALSE(is_emergency_number("9999"));
  CHECK_FALSE(is_uk_phone("999"));
}

TEST_CASE("email syntax") {
  for (const char* good : {"eastearlyhelp@leeds.gov.uk", "first.last+tag@example.co.uk", "a@b.io"}) {
    CAPTURE(good);
    CHECK(is_email(good));
  }
  for (const char* bad : {"", "eastearlyhelp", "@leeds.gov.uk", "east@", "east@leeds", "east@@leeds.gov.uk", "east early@leeds.gov.uk",
                          "east@leeds..gov.uk", "east@-leeds.gov.uk", ".east@leeds.gov.uk", "east@leeds.gov.u", "east@leeds.gov.uk>"}) {
    CAPTURE(bad);
    CHECK_FALSE(is_email(bad));
  }
}
