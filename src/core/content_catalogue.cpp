// Parsing and checking of the content catalogue (content/*.yaml).
#include "content_catalogue.hpp"

#include <cctype>

#include "contact_check.hpp"
#include "yaml_fields.hpp"

namespace rc {
namespace {

template <class Item, class Fill>
void parse_items(const YamlValue& list, const char* section, const std::string& file,
                 std::map<std::string, Item>& into, Problems& problems, Fill fill) {
  if (!list.is_sequence()) {
    problems.push_back({Severity::error, file, list.line, "", std::string("\"") + section + "\" must be a list"});
    return;
  }
  for (const auto& node : list.items) {
    if (!node.is_map()) {
      problems.push_back({Severity::error, file, node.line, "", std::string("items of \"") + section + "\" must be mappings"});
      continue;
    }
    YamlFields f(node, file, problems);
    Item item;
    item.id = f.text("id", true);
    f.set_owner(item.id);
    item.file = file;
    item.line = f.line();
    fill(f, item);
    f.report_unknown_keys();
    if (item.id.empty()) continue;
    if (into.count(item.id)) {
      f.problem(std::string("duplicate ") + section + " id \"" + item.id + "\" (first at " + into[item.id].file + ":" +
                std::to_string(into[item.id].line) + ")");
      continue;
    }
    into[item.id] = std::move(item);
  }
}

struct SourceItem {
  std::string id, title, document, file;
  int line = 0;
};

Quotes quotes_of(YamlFields& f) { return Quotes{f.text_list("quote"), f.line_of_key("quote")}; }

// A link shown to practitioners: an https address and nothing else (never javascript: or http).
std::string url_of(YamlFields& f) {
  std::string url = f.text("url");
  if (url.empty()) return url;
  const bool ok = url.rfind("https://", 0) == 0 && url.size() > 8 && url.find_first_of(" \t\r\n\"'<>") == std::string::npos;
  if (!ok) {
    f.problem("url must be an https:// address, got \"" + url + "\"", f.line_of_key("url"));
    return {};
  }
  return url;
}

void parse_sources(const YamlValue& list, const std::string& file, Catalogue& c, Problems& problems) {
  std::map<std::string, SourceItem> items;
  parse_items(list, "sources", file, items, problems, [](YamlFields& f, SourceItem& x) {
    x.title = f.text("title", true);
    x.document = f.text("document");
  });
  for (const auto& [id, x] : items) {
    if (c.sources.count(id)) {
      problems.push_back({Severity::error, file, x.line, id, "duplicate sources id \"" + id + "\""});
      continue;
    }
    c.sources[id] = Source{id, x.title, x.document, {}, file, x.line};
  }
}

void parse_safety(const YamlValue& map, const std::string& file, Catalogue& c, Problems& problems) {
  if (!map.is_map()) {
    problems.push_back({Severity::error, file, map.line, "", "\"safety\" must be a mapping"});
    return;
  }
  YamlFields f(map, file, problems, "safety");
  SafetyRules& s = c.safety;
  s.file = file;
  s.line = f.line();
  s.alert_text = f.text("alert_text", true);
  s.alert_say = f.text("alert_say");
  s.fail_safe_text = f.text("fail_safe_text", true);
  s.fail_safe_say = f.text("fail_safe_say");
  s.outcome_note = f.text("outcome_note", true);
  s.outcome_note_say = f.text("outcome_note_say");
  s.contacts = f.text_list("contacts");
  s.source = f.text("source", true);
  f.report_unknown_keys();
}

}  // namespace

void parse_content(const std::string& text, const std::string& file, Catalogue& c, Problems& problems) {
  auto root = parse_yaml(text);
  if (!root) {
    problems.push_back({Severity::error, file, root.error().line, "", "not valid YAML: " + root.error().message});
    return;
  }
  if (!root->is_map()) {
    problems.push_back({Severity::error, file, 1, "", "a content file must be a mapping of sections"});
    return;
  }
  for (const auto& [key, v] : root->entries) {
    const std::string section = key.scalar;
    if (section == "sources") {
      parse_sources(v, file, c, problems);
    } else if (section == "contacts") {
      parse_items(v, "contacts", file, c.contacts, problems, [](YamlFields& f, Contact& x) {
        x.name = f.text("name", true);
        x.phone = f.text("phone");
        x.email = f.text("email");
        x.hours = f.text("hours");
        x.note = f.text("note");
        x.source = f.text("source", true);
        x.phone_as_published = f.text("phone_as_published");
        x.email_as_published = f.text("email_as_published");
        for (auto& field : f.text_list("needs_verification")) x.needs_verification.insert(field);
        x.verification_note = f.text("verification_note");
        x.emergency = f.flag("emergency");
        x.optional = f.flag("optional");
        x.email_say = f.text("email_say");
        x.quote = quotes_of(f);
      });
    } else if (section == "forms") {
      parse_items(v, "forms", file, c.forms, problems, [](YamlFields& f, Form& x) {
        x.name = f.text("name", true);
        x.text = f.text("text", true);
        x.source = f.text("source", true);
        x.url = url_of(f);
        x.quote = quotes_of(f);
      });
    } else if (section == "services") {
      parse_items(v, "services", file, c.services, problems, [](YamlFields& f, Service& x) {
        x.name = f.text("name", true);
        x.text = f.text("text");
        x.source = f.text("source", true);
        x.url = url_of(f);
        x.quote = quotes_of(f);
      });
    } else if (section == "guidance") {
      parse_items(v, "guidance", file, c.guidance, problems, [](YamlFields& f, GuidanceSnippet& x) {
        x.title = f.text("title", true);
        x.text = f.text("text", true);
        x.source = f.text("source", true);
        x.url = url_of(f);
        x.quote = quotes_of(f);
      });
    } else if (section == "safety") {
      parse_safety(v, file, c, problems);
    } else if (section == "safety_detector") {
      parse_safety_detector(v, file, c.safety.detector_rules, problems);
    } else if (section == "wrap_up_codes") {
      parse_items(v, "wrap_up_codes", file, c.wrap_up_codes, problems, [](YamlFields& f, WrapUpCode& x) {
        x.label = f.text("label", true);
        x.text = f.text("text", true);
        x.source = f.text("source", true);
        x.needs_outcome = f.flag("needs_outcome", true);
        x.suggested_for = f.text_list("suggested_for");
      });
    } else if (section == "canned_replies") {
      parse_items(v, "canned_replies", file, c.canned_replies, problems, [](YamlFields& f, CannedReply& x) {
        x.label = f.text("label", true);
        x.text = f.text("text", true);
        x.source = f.text("source", true);
      });
    } else {
      problems.push_back({Severity::error, file, key.line, "",
                          "unknown section \"" + section + "\" (expected sources, contacts, forms, services, guidance, safety, safety_detector, wrap_up_codes or canned_replies)"});
    }
  }
}

namespace {

bool spoken_email_matches(const std::string& spoken, const std::string& email);

void check_contact(const Contact& x, const Catalogue& c, Problems& out) {
  auto report = [&](Severity sev, const std::string& msg) { out.push_back({sev, x.file, x.line, x.id, msg}); };
  for (const auto& field : x.needs_verification)
    if (field != "phone" && field != "email") report(Severity::error, "needs_verification names unknown field \"" + field + "\"");
  if (!x.phone.empty()) {
    const bool short_ok = x.emergency && is_emergency_number(x.phone);
    if (!short_ok && !is_uk_phone(x.phone)) {
      report(x.shows("phone") ? Severity::error : Severity::warning,
             "phone \"" + x.phone + "\" is not a UK number (11 digits starting 0)" +
                 (x.shows("phone") ? ": mark it needs_verification or correct it" : ": withheld until verified"));
    } else if (!short_ok && format_uk_phone(x.phone) != x.phone) {
      report(Severity::error, "phone \"" + x.phone + "\" should be printed as \"" + format_uk_phone(x.phone) + "\"");
    } else if (!x.shows("phone")) {
      report(Severity::warning, "phone withheld until verified: " + x.verification_note);
    }
  }
  if (!x.email.empty()) {
    if (!is_email(x.email))
      report(x.shows("email") ? Severity::error : Severity::warning, "email \"" + x.email + "\" is not a valid address");
    else if (!x.shows("email"))
      report(Severity::warning, "email withheld until verified: " + x.verification_note);
  }
  if (x.shown_phone().empty() && x.shown_email().empty()) {
    if (!x.optional)
      report(Severity::error, "no phone or email can be shown for this contact");
    else
      report(Severity::warning, "optional: shown only once config sets its details" + (x.verification_note.empty() ? std::string() : ": " + x.verification_note));
  }
  if (!x.source.empty() && !c.has_source(x.source)) report(Severity::error, "unknown source \"" + x.source + "\"");
  if (!x.email_say.empty() && !x.email.empty() && !spoken_email_matches(x.email_say, x.email))
    report(Severity::error, "email_say \"" + x.email_say + "\" does not spell " + x.email + " (write the parts, \"at\" and \"dot\")");
  const QuoteOwner owner{x.file, x.line, x.id, x.source};
  if (x.overridden_by.empty()) {  // a configured detail is the deployment's, not the document's
    for (auto& p : check_published("phone", x.phone_as_published, owner, c)) out.push_back(std::move(p));
    // An email with no "as published" form is checked as written, when there is a document to check it in.
    auto src = c.sources.find(x.source);
    const bool has_document = src != c.sources.end() && !src->second.document.empty();
    const std::string published_email = !x.email_as_published.empty() ? x.email_as_published : has_document ? x.email : std::string();
    for (auto& p : check_published("email", published_email, owner, c)) out.push_back(std::move(p));
  }
  for (auto& p : check_quotes(x.quote, owner, c)) out.push_back(std::move(p));
}

// "east early help, all one word, at leeds dot gov dot uk" spells eastearlyhelp@leeds.gov.uk.
bool spoken_email_matches(const std::string& spoken, const std::string& email) {
  std::string folded;
  for (char ch : spoken) folded += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* filler : {"all one word", ","}) {
    for (std::size_t at = folded.find(filler); at != std::string::npos; at = folded.find(filler)) folded.erase(at, std::string(filler).size());
  }
  std::string out, word;
  auto flush = [&] {
    if (word == "at") out += '@';
    else if (word == "dot") out += '.';
    else if (word == "dash" || word == "hyphen") out += '-';
    else if (word == "underscore") out += '_';
    else out += word;
    word.clear();
  };
  for (char ch : folded) {
    if (ch == ' ') flush();
    else word += ch;
  }
  flush();
  std::string lower;
  for (char ch : email) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out == lower;
}

template <class Item>
void check_sources(const std::map<std::string, Item>& items, const Catalogue& c, Problems& out) {
  for (const auto& [id, x] : items)
    if (!x.source.empty() && !c.has_source(x.source))
      out.push_back({Severity::error, x.file, x.line, id, "unknown source \"" + x.source + "\""});
}

// Items that say what a document says carry the words they follow.
template <class Item>
void check_item_quotes(const std::map<std::string, Item>& items, const Catalogue& c, Problems& out) {
  for (const auto& [id, x] : items) {
    const QuoteOwner owner{x.file, x.line, id, x.source};
    for (auto& p : check_quotes(x.quote, owner, c)) out.push_back(std::move(p));
    auto src = c.sources.find(x.source);
    if (x.quote.texts.empty() && src != c.sources.end() && !src->second.document.empty())
      out.push_back({Severity::warning, x.file, x.line, id, "no quote: add the words of " + x.source + " this follows (quote:)"});
  }
}

void check_safety(const Catalogue& c, Problems& out) {
  const SafetyRules& s = c.safety;
  auto report = [&](const std::string& msg) { out.push_back({Severity::error, s.file.empty() ? "content" : s.file, s.line, "safety", msg}); };
  if (s.file.empty()) return report("no safety section: the urgent alert has no text or contacts");
  if (s.detector_rules.empty())
    out.push_back({Severity::error, "content", 0, "safety_detector", "no safety_detector section: nothing decides when typed text raises the alert"});
  if (!s.source.empty() && !c.has_source(s.source)) report("unknown source \"" + s.source + "\"");
  for (const auto& id : s.contacts)
    if (!c.contacts.count(id)) report("unknown contact \"" + id + "\"");
  for (const std::string* text : {&s.fail_safe_text, &s.fail_safe_say, &s.alert_text, &s.alert_say, &s.outcome_note, &s.outcome_note_say})
    if (auto filled = fill_contact_details(*text, c); !filled) report(filled.error().message);
}

// A canned reply is sent as it is written: every placeholder must fill, and a number typed into
// the text (which would have no source and no format check) is refused.
void check_canned_replies(const Catalogue& c, Problems& out) {
  for (const auto& [id, x] : c.canned_replies) {
    auto report = [&](const std::string& msg) { out.push_back({Severity::error, x.file, x.line, id, msg}); };
    if (auto filled = fill_contact_details(x.text, c); !filled) report(filled.error().message);
    int run = 0;
    for (char ch : x.text) {
      if (std::isdigit(static_cast<unsigned char>(ch))) ++run;
      else if (ch != ' ') run = 0;
      if (run >= 5) {
        report("write a phone number as a contact placeholder ({duty_and_advice.phone}), not as digits");
        break;
      }
    }
  }
}

}  // namespace

Result<std::string> fill_contact_details(const std::string& text, const Catalogue& c) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find('{', i);
    if (open == std::string::npos) break;
    const std::size_t close = text.find('}', open);
    if (close == std::string::npos) return make_error("unclosed { in \"" + text.substr(open, 40) + "\"");
    out += text.substr(i, open - i);
    const std::string ref = text.substr(open + 1, close - open - 1);
    const std::size_t dot = ref.find('.');
    const std::string id = ref.substr(0, dot), field = dot == std::string::npos ? "" : ref.substr(dot + 1);
    auto it = c.contacts.find(id);
    if (it == c.contacts.end()) return make_error("{" + ref + "} names an unknown contact");
    const std::string value = field == "phone" ? it->second.shown_phone() : field == "email" ? it->second.shown_email() : field == "name" ? it->second.name : "";
    if (field != "phone" && field != "email" && field != "name") return make_error("{" + ref + "}: write {contact.phone}, {contact.email} or {contact.name}");
    if (value.empty()) return make_error("{" + ref + "} has no detail that can be shown (missing or withheld until verified)");
    out += value;
    i = close + 1;
  }
  out += text.substr(i);
  return out;
}

// One suggestion per outcome, and only for codes that can be used at an outcome.
void check_suggested_codes(const Catalogue& c, Problems& out) {
  std::map<std::string, std::string> suggested;  // outcome -> code
  for (const auto& [id, x] : c.wrap_up_codes)
    for (const auto& outcome : x.suggested_for) {
      if (!x.needs_outcome) out.push_back({Severity::error, x.file, x.line, id, "a code with needs_outcome: false cannot be suggested for an outcome"});
      if (auto [it, added] = suggested.emplace(outcome, id); !added)
        out.push_back({Severity::error, x.file, x.line, id, "outcome \"" + outcome + "\" is already suggested for " + it->second});
    }
}

Problems check_catalogue(const Catalogue& c) {
  Problems out;
  for (const auto& [id, x] : c.contacts) check_contact(x, c, out);
  check_sources(c.forms, c, out);
  check_sources(c.services, c, out);
  check_sources(c.guidance, c, out);
  check_sources(c.wrap_up_codes, c, out);
  check_sources(c.canned_replies, c, out);
  check_canned_replies(c, out);
  check_item_quotes(c.forms, c, out);
  check_item_quotes(c.services, c, out);
  check_item_quotes(c.guidance, c, out);
  for (const auto& [id, x] : c.wrap_up_codes)  // stored and filtered on, so kept to plain ids
    if (id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
      out.push_back({Severity::error, x.file, x.line, id, "wrap-up code must use only a-z, 0-9 and _"});
  check_suggested_codes(c, out);
  check_safety(c, out);
  return out;
}

}  // namespace rc
