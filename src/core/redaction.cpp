// See redaction.hpp. Patterns run in order: the most specific first, so a card number is not
// mistaken for a phone number, nor an NHS number for a date. Over-redacting is the safe side.
// RE2 runs in time linear in the text (std::regex recursed and overflowed its stack on a
// 30 KB answer here, and cost hundreds of milliseconds on 2,000 characters).
#include "redaction.hpp"

#include <re2/re2.h>

#include <memory>
#include <string_view>
#include <vector>

namespace rc {
namespace {

// What a rule cannot match without: most need a digit (RE2's \d is ASCII 0-9 only), the email
// rule an '@'. A placeholder has neither and a name rule's kept introduction comes from the
// text, so a text without one never gains one: such a rule is skipped, not run to no effect.
enum class Needs { nothing, at_sign, digit };

struct Rule {
  std::unique_ptr<RE2> pattern;
  const char* placeholder;
  Needs needs;
};

Needs needs_of(const char* placeholder) {
  const std::string_view p = placeholder;
  if (p == "[email]") return Needs::at_sign;
  return p.find("[name]") != std::string_view::npos ? Needs::nothing : Needs::digit;
}

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
        // UK postcodes: LS1 4AP, LS14 6AB, M1 1AE, EC1A 1BB; and a Leeds district alone ("in LS9")
        {R"(\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b)", "[postcode]"},
        {R"((?i)\b(?:LS|BD|WF|HG|HX)\d{1,2}\b)", "[postcode]"},
        // Street addresses: a house number, one to three capitalised words, a street word
        // ("27 Oak Tree Crescent", "4a Harehills Lane"); in lower case, only the plainest street
        // words ("27 oak road"), since "2 kids walk" is not an address.
        {R"(\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'\-]*\s+){1,3}(?i:road|rd|street|st|crescent|cres|avenue|ave|lane|ln|close|drive|dr|grove|terrace|way|court|ct|gardens|gdns|place|pl|walk|mount|view|rise|hill|square|sq|parade|row|green|fold|croft|approach|garth|vale|park|mews|wharf|gate|mead)\b\.?)", "[address]"},
        {R"((?i)\b\d{1,4}[a-z]?,?\s+(?:[a-z'\-]+\s+){1,2}(?:road|street|crescent|avenue|lane|drive|grove|terrace|gardens)\b)", "[address]"},
        // Names introduced by the words around them; the introduction stays, the name goes.
        // "her name is jade", "named Tyler", "called Amira Khan", "my son Jayden", "Mrs Smith".
        {R"(((?i:\b(?:name\s+is|name's|names\s+are|named))\s+)[A-Za-z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?)", "\\1[name]"},
        // "called" only as a name ("she is called", "a boy called"), not a phone call ("I called the school").
        {R"(((?i:\b(?:(?:is|was|be|been|boy|girl|child|baby|son|daughter|man|woman|lady|person|someone|friend|partner)\s+called|known\s+as|goes\s+by))\s+)[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?)", "\\1[name]"},
        {R"(((?i:\b(?:son|daughter|brother|sister|mum|mother|dad|father|nan|nana|grandma|grandad|stepdad|stepmum|partner|boyfriend|girlfriend|cousin|uncle|auntie|aunt))(?:,\s*|\s+))[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?)", "\\1[name]"},
        {R"((?i:\b(?:mr|mrs|miss|ms|mx|dr))\.?\s+[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?)", "[name]"},
    };
    std::vector<Rule> out;
    for (const auto& [pattern, placeholder] : specs) out.push_back({std::make_unique<RE2>(pattern, o), placeholder, needs_of(placeholder)});
    return out;
  }();
  return all;
}

}  // namespace

std::string redact(const std::string& text) {
  const bool has_at = text.find('@') != std::string::npos;
  const bool has_digit = text.find_first_of("0123456789") != std::string::npos;
  std::string out = text;
  for (const auto& rule : rules()) {
    if ((rule.needs == Needs::at_sign && !has_at) || (rule.needs == Needs::digit && !has_digit)) continue;
    RE2::GlobalReplace(&out, *rule.pattern, rule.placeholder);
  }
  return out;
}

}  // namespace rc
