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

// Rules that need a digit or an '@' are skipped for a text without one (redaction.cpp): what
// the other rules take out is unchanged.
TEST_CASE("a text without a digit still loses its names, and one with an at sign but no digit its email") {
  CHECK(redact("her name is Jade and Mrs Smith knows") == "her name is [name] and [name] knows");
  CHECK(redact("write to jo@example.org, my son Tyler") == "write to [email], my son [name]");
  CHECK(redact("my son Tyler at 27 Oak Road") == "my son [name] at [address]");
}

#include <fstream>
#include <sstream>
#include <string>

// The names and addresses corpus (tests/fixtures/redaction/names_addresses.tsv): every
// identifying phrase goes, every ordinary sentence stays as it was. The counts are printed so
// docs/security.md can quote them.
TEST_CASE("names and street addresses are redacted, ordinary sentences are left alone") {
  std::ifstream in(std::string(RC_SOURCE_DIR) + "/tests/fixtures/redaction/names_addresses.tsv");
  REQUIRE(in);
  int redact_lines = 0, caught = 0, keep_lines = 0, kept = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream fields(line);
    std::string kind, text, identifying;
    std::getline(fields, kind, '\t');
    std::getline(fields, text, '\t');
    std::getline(fields, identifying, '\t');
    const std::string out = redact(text);
    CAPTURE(text);
    CAPTURE(out);
    if (kind == "redact") {
      ++redact_lines;
      const bool gone = out.find(identifying) == std::string::npos;
      caught += gone;
      CHECK(gone);
    } else {
      ++keep_lines;
      kept += out == text;
      CHECK(out == text);
    }
  }
  MESSAGE("names and addresses redacted: " << caught << "/" << redact_lines << "; ordinary sentences untouched: " << kept << "/" << keep_lines);
  CHECK(redact_lines >= 30);
  CHECK(keep_lines >= 20);
}

#include "core/text_fold.hpp"

TEST_CASE("UTF-8 checks: well-formed text, broken bytes, and cuts that never split a character") {
  CHECK(rc::is_utf8("café – ok"));
  CHECK_FALSE(rc::is_utf8(std::string("bad \xff byte")));
  CHECK_FALSE(rc::is_utf8(std::string("cut \xc3")));
  CHECK(rc::utf8_prefix("caf\xc3\xa9", 4) == "caf");
  CHECK(rc::utf8_prefix("caf\xc3\xa9", 5) == "caf\xc3\xa9");
  CHECK(rc::utf8_prefix("abc", 10) == "abc");
}
