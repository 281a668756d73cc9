// See redaction.hpp. Patterns run in order: the most specific first, so a card number is not
// mistaken for a phone number, nor an NHS number for a date. Over-redacting is the safe side.
#include "redaction.hpp"

#include <regex>
#include <vector>

namespace rc {
namespace {

struct Rule {
  std::regex pattern;
  const char* placeholder;
};

const std::vector<Rule>& rules() {
  // Letter ranges are spelled out ([A-Za-z]) rather than left to icase: libstdc++'s icase
  // ranges were seen to differ between optimisation levels.
  using std::regex;
  const auto icase = regex::ECMAScript | regex::icase;
  static const std::vector<Rule> all = {
      {regex(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)"), "[email]"},
      // 13 to 19 digits, optionally in groups of 4 (card numbers)
      {regex(R"(\b(?:\d[ -]?){12,18}\d\b)"), "[card_number]"},
      // National Insurance number: two letters, six digits, a suffix A-D (spaces allowed; any
      // prefix letters, since over-redacting is the safe side)
      {regex(R"(\b[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]\b)"), "[ni_number]"},
      // UK phone numbers: +44 or 0, then 9-10 more digits with optional spaces, dashes or brackets
      {regex(R"((?:\+44\s?\(?0?\)?\s?|\(?\b0)(?:[\s\-()]*\d){9,10}\b)"), "[phone]"},
      // NHS number: 10 digits, often 3 3 4
      {regex(R"(\b\d{3}[ -]?\d{3}[ -]?\d{4}\b)"), "[nhs_number]"},
      // Dates: 1/2/2015, 01-02-15, 1.2.2015, 1st February 2015, 1 Feb 15, February 1 2015
      {regex(R"(\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b)"), "[date]"},
      {regex(R"(\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[A-Za-z]*\.?,?\s+\d{2,4}\b)", icase), "[date]"},
      {regex(R"(\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[A-Za-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}\b)", icase), "[date]"},
      // UK postcodes: LS1 4AP, LS14 6AB, M1 1AE, EC1A 1BB
      {regex(R"(\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b)"), "[postcode]"},
  };
  return all;
}

}  // namespace

std::string redact(const std::string& text) {
  std::string out = text;
  for (const auto& rule : rules()) out = std::regex_replace(out, rule.pattern, rule.placeholder);
  return out;
}

}  // namespace rc
