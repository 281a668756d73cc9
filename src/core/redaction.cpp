// See redaction.hpp. Patterns run in order: the most specific first, so a card number is not
// mistaken for a phone number, nor an NHS number for a date. Over-redacting is the safe side.
// RE2 runs in time linear in the text (std::regex recursed and overflowed its stack on a
// 30 KB answer here, and cost hundreds of milliseconds on 2,000 characters).
#include "redaction.hpp"

#include <re2/re2.h>

#include <memory>
#include <vector>

namespace rc {
namespace {

struct Rule {
  std::unique_ptr<RE2> pattern;
  const char* placeholder;
};

const std::vector<Rule>& rules() {
  static const std::vector<Rule> all = [] {
    RE2::Options o;
    o.set_log_errors(false);
    const std::pair<const char*, const char*> specs[] = {
        {R"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)", "[email]"},
        // 13 to 19 digits, optionally in groups of 4 (card numbers)
        {R"(\b(?:\d[ -]?){12,18}\d\b)", "[card_number]"},
        // National Insurance number: two letters, six digits, a suffix A-D (spaces allowed; any
        // prefix letters, since over-redacting is the safe side)
        {R"(\b[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]\b)", "[ni_number]"},
        // UK phone numbers: +44 or 0, then 9-10 more digits with optional spaces, dashes or brackets
        {R"((?:\+44\s?\(?0?\)?\s?|\(?\b0)(?:[\s\-()]*\d){9,10}\b)", "[phone]"},
        // NHS number: 10 digits, often 3 3 4
        {R"(\b\d{3}[ -]?\d{3}[ -]?\d{4}\b)", "[nhs_number]"},
        // Dates: 1/2/2015, 01-02-15, 1.2.2015, 1st February 2015, 1 Feb 15, February 1 2015
        {R"(\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b)", "[date]"},
        {R"((?i)\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{2,4}\b)", "[date]"},
        {R"((?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}\b)", "[date]"},
        // UK postcodes: LS1 4AP, LS14 6AB, M1 1AE, EC1A 1BB
        {R"(\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b)", "[postcode]"},
    };
    std::vector<Rule> out;
    for (const auto& [pattern, placeholder] : specs) out.push_back({std::make_unique<RE2>(pattern, o), placeholder});
    return out;
  }();
  return all;
}

}  // namespace

std::string redact(const std::string& text) {
  std::string out = text;
  for (const auto& rule : rules()) RE2::GlobalReplace(&out, *rule.pattern, rule.placeholder);
  return out;
}

}  // namespace rc
