#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "core/contact_check.hpp"
#include "shipped.hpp"

using namespace rc;
using namespace rc::test;

namespace {

Catalogue parse(const std::string& yaml, Problems& problems) {
  Catalogue c;
  parse_content("sources:\n  - {id: doc.txt, title: A document}\n", "sources.yaml", c, problems);
  parse_content(yaml, "contacts.yaml", c, problems);
  for (auto& p : check_catalogue(c)) problems.push_back(p);
  return c;
}

bool mentions(const Problems& ps, Severity sev, const std::string& node, const std::string& fragment, int line = 0) {
  for (const auto& p : ps)
    if (p.severity == sev && p.node == node && p.message.find(fragment) != std::string::npos && (line == 0 || p.line == line)) return true;
  return false;
}

}  // namespace

TEST_CASE("the shipped content passes the content check - with the East hub phone withheld") {
  const auto& g = shipped();
  for (const auto& p : g.problems) {
    CAPTURE(p.describe());
    CHECK(p.severity == Severity::warning);
  }
  CHECK(mentions(g.problems, Severity::warning, "hub_east", "withheld"));
  CHECK(mentions(g.problems, Severity::warning, "hub_south", "withheld"));
  const Contact& east = g.content.contacts.at("hub_east");
  CHECK(east.shown_phone().empty());
  CHECK(east.shown_email() == "eastearlyhelp@leeds.gov.uk");
}

TEST_CASE("a malformed number or email not marked for verification is an error with file and line") {
  Problems ps;
  parse(R"(contacts:
  - id: short
    name: Short number
    phone: 0113535899
    source: doc.txt
  - id: dashed
    name: Dashed
    phone: 0113-376-0336
    source: doc.txt
  - id: unstyled
    name: Spaced oddly
    phone: 0113 3760336
    source: doc.txt
  - id: bad_mail
    name: Bad mail
    email: someone@@leeds.gov.uk
    source: doc.txt
  - id: no_source
    name: No source
    phone: 0113 376 0336
    source: nowhere.txt
)", ps);
  CHECK(mentions(ps, Severity::error, "short", "not a UK number", 2));
  CHECK(mentions(ps, Severity::error, "dashed", "not a UK number", 6));
  CHECK(mentions(ps, Severity::error, "unstyled", "should be printed as \"0113 376 0336\"", 10));
  CHECK(mentions(ps, Severity::error, "bad_mail", "not a valid address", 14));
  CHECK(mentions(ps, Severity::error, "no_source", "unknown source", 18));
  CHECK(ps.front().file == "contacts.yaml");
}

TEST_CASE("a detail marked needs_verification is withheld - and a contact with nothing to show is an error") {
  Problems ps;
  Catalogue c = parse(R"(contacts:
  - id: east
    name: East
    phone: 0113535899
    email: east@leeds.gov.uk
    needs_verification: [phone]
    source: doc.txt
  - id: nothing
    name: Nothing
    phone: 0113535899
    needs_verification: [phone]
    source: doc.txt
)", ps);
  CHECK(mentions(ps, Severity::warning, "east", "withheld"));
  CHECK(mentions(ps, Severity::error, "nothing", "no phone or email can be shown"));
  CHECK(c.contacts.at("east").shown_phone().empty());
}

TEST_CASE("no withheld or malformed detail ever reaches an outcome or alert event") {
  const auto& g = shipped();
  std::size_t outcomes = 0, contacts_seen = 0;
  auto check_views = [&](const std::vector<ContactView>& views) {
    for (const auto& v : views) {
      CAPTURE(v.id);
      ++contacts_seen;
      CHECK((!v.phone.empty() || !v.email.empty()));
      if (!v.phone.empty()) CHECK((v.phone == "999" || format_uk_phone(v.phone) == v.phone));
      if (!v.email.empty()) CHECK(is_email(v.email));
      CHECK(g.content.contacts.at(v.id).shows("phone") == (v.phone == g.content.contacts.at(v.id).phone));
      CHECK(!v.source.empty());
    }
  };
  for (const auto& d : g.dialogs)
    for (const auto& n : d.nodes) {
      if (!n.is_outcome()) continue;
      State s;
      s.current = n.id;
      s.finished = true;
      for (const auto& e : current_view(d, g.content, s)) {
        const auto* o = std::get_if<OutcomeEvent>(&e);
        REQUIRE(o);
        ++outcomes;
        check_views(o->contacts);
      }
    }
  for (const auto& a : safety_alerts(g.content, "I saw a bruise")) check_views(a.contacts);
  CHECK(outcomes >= 8);
  CHECK(contacts_seen > outcomes);

  Step east = walk(early_help(), g.content, {"no", "no", "yes", "agree", "no", "multi", "text:", "east"});
  const auto* o = last_of<OutcomeEvent>(east.events);
  REQUIRE(o);
  REQUIRE(o->contacts.front().id == "hub_east");
  CHECK(o->contacts.front().phone.empty());
  CHECK(o->contacts.front().email == "eastearlyhelp@leeds.gov.uk");
}

TEST_CASE("a deployment can override a contact, the override must pass the check too") {
  GuidanceSet good = load_guidance({source_path("dialogs")}, source_path("content"),
                                   nlohmann::json{{"hub_east", {{"phone", "0113 535 8990"}}}}, "site.json");
  CHECK_FALSE(has_errors(good.problems));
  CHECK(good.content.contacts.at("hub_east").shown_phone() == "0113 535 8990");
  CHECK(view_of(good.content.contacts.at("hub_east")).source == "config: site.json");

  GuidanceSet bad = load_guidance({source_path("dialogs")}, source_path("content"),
                                  nlohmann::json{{"hub_east", {{"phone", "0113 53589"}}}, {"hub_north", {{"phone", "0113 535 8990"}}},
                                                 {"hub_west", {{"fax", "0113 535 8990"}}}},
                                  "site.json");
  CHECK(mentions(bad.problems, Severity::error, "hub_east", "not a UK number"));
  CHECK(mentions(bad.problems, Severity::error, "hub_north", "no such contact"));
  CHECK(mentions(bad.problems, Severity::error, "hub_west", "unknown field"));
}

TEST_CASE("malformed content sections are problems with lines - never crashes") {
  Problems ps;
  Catalogue c;
  parse_content("sources:\n  - just-a-string\n  - {id: a.txt, title: A}\n  - {id: a.txt, title: Again}\n", "s.yaml", c, ps);
  parse_content("contacts: {not: a list}\n", "c.yaml", c, ps);
  parse_content("colours: [red]\n", "x.yaml", c, ps);
  parse_content("safety:\n  terms: [hit]\n", "safety.yaml", c, ps);
  parse_content("contacts:\n  - id: x\n    name: X\n    name: Y\n", "dup.yaml", c, ps);
  parse_content("a: [unclosed\n", "broken.yaml", c, ps);
  std::string all;
  for (const auto& p : ps) all += p.describe() + "\n";
  CAPTURE(all);
  for (const char* expected : {"s.yaml:2: error: items of \"sources\" must be mappings", "s.yaml:4: error: [a.txt] duplicate sources id",
                               "c.yaml:1: error: \"contacts\" must be a list", "x.yaml:1: error: unknown section \"colours\"",
                               "safety.yaml:2: error: [safety] unknown key \"terms\"", "dup.yaml:4: error: key \"name\" appears twice",
                               "broken.yaml:2: error: not valid YAML"})
    CHECK(all.find(expected) != std::string::npos);
}

TEST_CASE("quotes and details as published must be found in the cited document") {
  Problems ps;
  Catalogue c;
  parse_content("sources:\n  - {id: doc.txt, title: A document, document: sources/doc.txt}\n  - {id: national, title: National practice}\n",
                "sources.yaml", c, ps);
  // What the loader reads from content/sources/doc.txt; line breaks and double spaces count as one space.
  c.sources.at("doc.txt").document = "Practitioners can ring Duty and Advice on tel: 0113 3760336.\nEarly help is  voluntary\nand consent matters.";
  parse_content(R"(contacts:
  - id: duty
    name: Duty and Advice
    phone: 0113 376 0336
    phone_as_published: 0113 3760336
    source: doc.txt
    quote: "ring Duty and Advice on tel: 0113 3760336."
  - id: misprinted
    name: Misprinted
    phone: 0113 376 0337
    phone_as_published: 0113 3760337
    source: doc.txt
  - id: spoken_wrong
    name: Spoken wrong
    email: eastearlyhelp@leeds.gov.uk
    email_say: west early help, all one word, at leeds dot gov dot uk
    source: national
  - id: spoken_right
    name: Spoken right
    email: eastearlyhelp@leeds.gov.uk
    email_say: east early help, all one word, at leeds dot gov dot uk
    source: national
  - id: later
    name: Out of hours
    optional: true
    source: national
guidance:
  - id: voluntary
    title: Voluntary
    text: Early help is voluntary.
    source: doc.txt
    quote: "Early help is voluntary and consent matters."
  - id: invented
    title: Invented
    text: Always ring first.
    source: doc.txt
    quote:
      - "Early help is voluntary"
      - "always ring Duty and Advice first"
  - id: unquoted
    title: Unquoted
    text: Something.
    source: doc.txt
  - id: no_document
    title: National
    text: Call 999.
    source: national
    quote: "call 999"
)",
                "content.yaml", c, ps);
  for (auto& p : check_catalogue(c)) ps.push_back(p);
  std::string all;
  for (const auto& p : ps) all += p.describe() + "\n";
  CAPTURE(all);
  CHECK_FALSE(mentions(ps, Severity::error, "duty", ""));
  CHECK(mentions(ps, Severity::error, "misprinted", "phone_as_published \"0113 3760337\" is not in doc.txt"));
  CHECK(mentions(ps, Severity::error, "spoken_wrong", "does not spell eastearlyhelp@leeds.gov.uk"));
  CHECK_FALSE(mentions(ps, Severity::error, "spoken_right", ""));
  CHECK(mentions(ps, Severity::warning, "later", "optional: shown only once config sets its details"));
  CHECK_FALSE(mentions(ps, Severity::error, "later", ""));
  CHECK_FALSE(mentions(ps, Severity::error, "voluntary", ""));
  CHECK(mentions(ps, Severity::error, "invented", "quote not found in doc.txt (sources/doc.txt): \"always ring Duty and Advice first\""));
  CHECK(mentions(ps, Severity::warning, "unquoted", "no quote"));
  CHECK(mentions(ps, Severity::error, "no_document", "has no document to check it against"));
  CHECK(squeeze_spaces("  a\n\tb \xC2\xA0 c  ") == "a b c");
}

TEST_CASE("a source document that cannot be read is an error naming the source's file and line") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("rc-sources-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* name : {"contacts.yaml", "forms.yaml", "guidance.yaml", "services.yaml", "wrap_up_codes.yaml"})
    fs::copy_file(source_path("content/") + name, dir / name, fs::copy_options::overwrite_existing);
  fs::copy(source_path("content/safety"), dir / "safety", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  fs::copy(source_path("content/sources"), dir / "sources", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  fs::copy_file(source_path("content/sources.yaml"), dir / "sources.yaml", fs::copy_options::overwrite_existing);
  fs::remove(dir / "sources" / "004_eae67e4d025e4d98.txt");
  GuidanceSet g = load_guidance({source_path("dialogs")}, dir.string());
  std::string all;
  for (const auto& p : g.problems) all += p.describe() + "\n";
  CAPTURE(all);
  CHECK(all.find((dir / "sources.yaml").string() + ":17: error: [004_eae67e4d025e4d98.txt] document \"sources/004_eae67e4d025e4d98.txt\" cannot be read") !=
        std::string::npos);
  // Everything that quotes it is then reported too, so nothing citing it passes unchecked.
  CHECK(has_errors(g.problems));
  fs::remove_all(dir);
}

TEST_CASE("a form or guidance link is an https address or an error on its line - and reaches the outcome") {
  Problems ps;
  Catalogue c;
  parse_content("sources:\n  - {id: doc.txt, title: A document}\n", "sources.yaml", c, ps);
  parse_content("forms:\n  - id: f\n    name: F\n    text: A form.\n    source: doc.txt\n    url: https://example.org/forms/f.docx\n"
                "  - id: g\n    name: G\n    text: Another.\n    source: doc.txt\n    url: javascript:alert(1)\n",
                "forms.yaml", c, ps);
  parse_content("guidance:\n  - id: s\n    title: S\n    text: Some guidance.\n    source: doc.txt\n    url: http://example.org/plain\n", "guidance.yaml", c, ps);
  std::string all;
  for (const auto& p : ps) all += p.describe() + "\n";
  CAPTURE(all);
  CHECK(c.forms.at("f").url == "https://example.org/forms/f.docx");
  CHECK(c.forms.at("g").url.empty());
  CHECK(all.find("forms.yaml:11: error: [g] url must be an https:// address, got \"javascript:alert(1)\"") != std::string::npos);
  CHECK(all.find("guidance.yaml:6: error: [s] url must be an https:// address") != std::string::npos);
}

TEST_CASE("a canned reply names contacts only by placeholder: an unknown one or a typed number is an error on its line") {
  Problems ps;
  const Catalogue c = parse(R"(contacts:
  - id: duty
    name: Duty and Advice
    phone: 0113 376 0336
    source: doc.txt
canned_replies:
  - id: good
    label: Duty number
    text: Ring Duty and Advice on {duty.phone}.
    source: doc.txt
  - id: unknown
    label: Unknown
    text: Ring {nobody.phone}.
    source: doc.txt
  - id: typed
    label: Typed
    text: Ring 0113 376 0336.
    source: doc.txt
)",
                            ps);
  CHECK(mentions(ps, Severity::error, "unknown", "unknown contact", 11));
  CHECK(mentions(ps, Severity::error, "typed", "placeholder", 15));
  CHECK(!mentions(ps, Severity::error, "good", ""));
  CHECK(fill_contact_details(c.canned_replies.at("good").text, c).value() == "Ring Duty and Advice on 0113 376 0336.");
}
