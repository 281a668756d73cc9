// See outcome_summary.hpp. The wording of the layouts follows the Leeds guidance: each section
// names the document it follows, and no phone number or email appears except those of the
// checked contacts the outcome shows.
#include "outcome_summary.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "redaction.hpp"

namespace rc {
namespace {

constexpr const char* kPractice = "003_0797b728761df10e.txt";  // "How we put early help into practice"
constexpr const char* kOneMinuteGuide = "002_9cb3e83fa45f89f9.txt";
constexpr const char* kWithheld =
    "Not included: what was typed here raised the safety alert. Tell Duty and Advice about it; it does not belong in a request for early help.";

// --- facts along the path, read generically from the dialog ---

const Option* chosen_option(const Node& n, const Answer& a) {
  for (const auto& o : n.options)
    if (o.id == a.option) return &o;
  return nullptr;
}

// Whether the path asked a question that can record `fact` (so its absence means "no").
bool was_asked(const Dialog& d, const State& s, const std::string& fact) {
  for (const auto& a : s.history)
    if (const Node* n = d.find(a.node); n && !a.urgent) {
      if (n->kind == NodeKind::text && n->fact == fact) return true;
      for (const auto& o : n->options)
        if (o.sets.count(fact)) return true;
    }
  return false;
}

// The label of the answer that recorded `fact`, e.g. "East Leeds" for area: east.
std::string label_that_set(const Dialog& d, const State& s, const std::string& fact) {
  std::string label;
  for (const auto& a : s.history)
    if (const Node* n = d.find(a.node))
      if (const Option* o = chosen_option(*n, a); o && o->sets.count(fact)) label = o->label;
  return label;
}

// Any other answer is given in the dialog's own words (its option's label), never as an id.
std::string consent_in_words(const Dialog& d, const State& s, const std::map<std::string, std::string>& facts) {
  auto it = facts.find("consent");
  if (it == facts.end()) return "Not recorded.";
  if (it->second == "yes") return "The child and family agree to early help.";
  if (it->second == "not_asked") return "Not asked yet.";
  if (it->second == "refused") return "They have refused support.";
  const std::string label = label_that_set(d, s, "consent");
  return label.empty() ? it->second : label + ".";
}

// Stepping down, as answered: "I'm not sure" is not "No".
std::string step_down_in_words(const std::map<std::string, std::string>& facts) {
  const auto it = facts.find("step_down");
  if (it == facts.end()) return "No.";
  if (it->second == "yes") return "Yes.";
  if (it->second == "unsure") return "Not sure.";
  return "No.";
}

const ContactView* find_contact(const std::vector<ContactView>& contacts, const std::string& id) {
  for (const auto& c : contacts)
    if (c.id == id) return &c;
  return nullptr;
}

// "East Early Help Hub (email eastearlyhelp@leeds.gov.uk)": only details the outcome shows.
std::string contact_inline(const ContactView& c) {
  std::string details;
  if (!c.phone.empty()) details = "phone " + c.phone;
  if (!c.email.empty()) details += (details.empty() ? "" : ", ") + std::string("email ") + c.email;
  return details.empty() ? c.name : c.name + " (" + details + ")";
}

// Consent and stepping down, as the path answered them: both belong on any request or record.
void add_consent_and_step_down(const Dialog& d, const State& s, const std::map<std::string, std::string>& facts, SummarySection& sec) {
  if (was_asked(d, s, "consent")) sec.items.push_back({"Consent", consent_in_words(d, s, facts)});
  if (was_asked(d, s, "step_down")) sec.items.push_back({"Stepping down from social work or specialist care", step_down_in_words(facts)});
}

// --- the layouts ---

SummarySection request_form_section(const Dialog& d, const State& s, const std::map<std::string, std::string>& facts,
                                    const std::vector<ContactView>& contacts) {
  SummarySection sec;
  sec.heading = "Early Help Request Form: sections to complete";
  sec.intro =
      "The Early Help Request Form is used to request early help support through an Early Help Hub or cluster. "
      "From your answers:";
  sec.source = kPractice;
  sec.items.push_back({"Reason for the request and the needs",
                       "The needs cannot be met by your own agency alone: a co-ordinated multi-agency approach is needed, "
                       "based on an Early Help Assessment, with a Lead Practitioner and a Team around the Family."});
  sec.items.push_back({"Early Help Assessment",
                       "Complete it in partnership with the child or young person and their parents or carers, and agree "
                       "a Lead Practitioner to co-ordinate the plan."});
  add_consent_and_step_down(d, s, facts, sec);
  if (was_asked(d, s, "hub_notes")) {
    auto it = facts.find("hub_notes");
    const std::string notes = it == facts.end() ? std::string() : redact(it->second);
    // Text that raised the safety alert is a matter for Duty and Advice, never a hub request.
    const bool withheld = std::any_of(s.history.begin(), s.history.end(), [&](const Answer& a) {
      const Node* n = d.find(a.node);
      return a.alerted && n && n->fact == "hub_notes";
    });
    sec.items.push_back({"Notes for the hub", withheld ? kWithheld
                                              : notes.find_first_not_of(" \t\r\n") == std::string::npos ? "None given."
                                                                                                        : notes});
  }
  const auto area = facts.find("area");
  const ContactView* hub = area == facts.end() ? nullptr : find_contact(contacts, "hub_" + area->second);
  if (area != facts.end()) {
    const std::string label = label_that_set(d, s, "area");
    sec.items.push_back({"Area", label.empty() ? area->second : label});
  } else if (was_asked(d, s, "area")) {
    sec.items.push_back({"Area", "Not known."});
  }
  if (hub)
    sec.items.push_back({"Send it to", contact_inline(*hub)});
  else
    sec.items.push_back({"Send it to",
                         "The Early Help Hub that covers the family. To find it, ask your local Targeted Service Leader or "
                         "Cluster Manager if you know them, or ring the early help support line (option 1)."});
  return sec;
}

SummarySection registration_section(const Dialog& d, const State& s, const std::map<std::string, std::string>& facts,
                                     const std::vector<ContactView>& contacts) {
  SummarySection sec;
  sec.source = kPractice;
  sec.intro = "Early help activity must be registered, on Mosaic or through the Families First team.";
  if (const ContactView* ff = find_contact(contacts, "families_first")) {
    sec.heading = "Registering the activity with the Families First team";
    sec.items.push_back({"Register", "Ring the Families First team to register the activity" + (ff->phone.empty() ? "" : " on " + ff->phone) + "."});
    sec.items.push_back({"Forms", "Keep the Early Help Assessment and Early Help: My Plan on the child's file (lead professional)."});
  } else {
    sec.heading = "Registering the activity on Mosaic";
    sec.items.push_back({"Register", "Record the early help activity directly on Mosaic."});
    sec.items.push_back({"Forms",
                         "Keep the Early Help Assessment and Early Help: My Plan on the child's file (lead professional), and "
                         "upload them to Mosaic."});
  }
  sec.items.push_back({"The plan",
                       "A single agency early help plan, developed with the family, with extra support from within your own "
                       "organisation. Review progress and plans with the family."});
  add_consent_and_step_down(d, s, facts, sec);
  sec.items.push_back({"Further help", "For further help with early help activity, contact your local Early Help Hub."});
  return sec;
}

// "A safety alert was raised at the question "...", on ..." plus the outcome's note.
std::string safety_alert_words(const Dialog& d, const State& s, const OutcomeEvent& o) {
  std::string where;
  for (const auto& mark : s.alerts) {
    const Node* n = d.find(mark.node);
    const std::string at = "\"" + (n ? n->text : mark.node) + "\" (" + uk_date_time(mark.at) + ")";
    if (where.find(at) == std::string::npos) where += (where.empty() ? "" : "; ") + at;
  }
  return "A safety alert was raised in this conversation, by what was typed at " + where + ". " + o.alert_note;
}

SummarySection call_section(const std::string& code, const std::string& source, const std::vector<SummaryAnswer>& answers) {
  SummarySection sec;
  sec.source = source;
  if (code == "emergency_999" || code == "danger_unsure") {
    sec.heading = "Points to have ready when you ring";
    sec.intro =
        code == "emergency_999"
            ? "Call 999 first. When the child is safe and you contact Duty and Advice about your concerns, have your answers to hand:"
            : "If the child could be hurt before anyone can act, call 999 first. When you ring Duty and Advice, have your answers to hand:";
  } else if (code == "talk_to_lead") {
    sec.heading = "Points to take to your Safeguarding Lead or line manager";
    sec.intro = "Your answers so far, to talk through with them. Then come back and say what you agreed:";
  } else {
    sec.heading = "Points to have ready when you ring Duty and Advice";
    sec.intro =
        "Duty and Advice will talk with you about your concerns and advise on the most appropriate course of action. "
        "Your answers, to have to hand:";
  }
  for (const auto& a : answers) sec.items.push_back({a.question, a.answer});
  return sec;
}

std::string layout_of(const std::string& code) {
  if (code.rfind("hub_request_", 0) == 0) return "request_form";
  if (code == "register_single_agency") return "registration";
  if (code == "duty_and_advice" || code == "emergency_999" || code == "danger_unsure" || code == "talk_to_lead") return "call";
  return "next_steps";
}

std::vector<SummaryAnswer> answers_of(const Dialog& d, const State& s) {
  std::vector<SummaryAnswer> out;
  for (const auto& a : s.history) {
    const Node* n = d.find(a.node);
    if (!n || a.urgent) continue;  // a place Urgent left is not an answer
    const bool typed = n->kind == NodeKind::text;
    SummaryAnswer sa{.node = n->id, .question = n->text, .typed = typed, .withheld = typed && a.alerted, .alert = a.alerted, .at = a.at};
    if (sa.withheld) {
      sa.answer = kWithheld;
    } else if (sa.typed) {
      sa.answer = redact(a.text);
      if (sa.answer.find_first_not_of(" \t\r\n") == std::string::npos) sa.answer = "(nothing typed)";
    } else if (const Option* o = chosen_option(*n, a)) {
      sa.answer = o->label;
      sa.matched = !a.text.empty();
      if (sa.matched && !a.alerted) sa.typed_text = redact(a.text);
    } else {
      continue;  // an option no longer in the dialog: nothing truthful to show
    }
    out.push_back(std::move(sa));
  }
  return out;
}

std::vector<SummarySource> sources_of(const Catalogue& content, const Dialog& d, const State& s, const OutcomeEvent& o) {
  std::set<std::string> ids{o.source};
  for (const auto& c : o.contacts) ids.insert(c.source);
  for (const auto& f : o.forms) ids.insert(f.source);
  for (const auto& g : o.guidance) ids.insert(g.source);
  for (const auto& a : s.history)
    if (const Node* n = d.find(a.node)) ids.insert(n->source);
  std::vector<SummarySource> out;
  for (const auto& id : ids)  // a detail set in deployment config is not a guidance document
    if (auto it = content.sources.find(id); it != content.sources.end()) out.push_back({id, it->second.title});
  return out;
}

// Counts characters, not bytes, so an underline fits a heading with a curly quote in it.
std::size_t width_of(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void heading(std::string& out, const std::string& text, char rule) {
  out += text;
  out += '\n';
  out.append(width_of(text), rule);
  out += '\n';
}

template <class... Parts>
void add(std::string& out, const Parts&... parts) {
  (out.append(std::string_view(parts)), ...);
}

// summary_indented(text) appended to `out`: continuation lines keep the bullet's indent.
void add_indented(std::string& out, std::string_view text) {
  for (std::size_t at = 0;;) {
    const std::size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) {
      out.append(text.substr(at));
      return;
    }
    out.append(text.substr(at, nl + 1 - at));
    out += "  ";
    at = nl + 1;
  }
}

}  // namespace

std::string summary_indented(const std::string& text) {
  std::string out;
  add_indented(out, text);
  return out;
}

std::string utc_iso(Millis when) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{when}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

std::string uk_date_time(Millis when) {
  using namespace std::chrono;
  const sys_time<milliseconds> utc{milliseconds{when}};
  const year y = year_month_day{floor<days>(utc)}.year();
  // British Summer Time: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
  const auto bst_from = sys_days{y / March / Sunday[last]} + hours{1};
  const auto bst_to = sys_days{y / October / Sunday[last]} + hours{1};
  const auto local = utc + (utc >= bst_from && utc < bst_to ? hours{1} : hours{0});
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<minutes>(local - day)};
  static const char* const weekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  static const char* const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
  char buf[80];
  std::snprintf(buf, sizeof buf, "%s %u %s %d, %02d:%02d (UK time)", weekdays[weekday{day}.c_encoding()], unsigned(ymd.day()),
                months[unsigned(ymd.month()) - 1], int(ymd.year()), int(hms.hours().count()), int(hms.minutes().count()));
  return buf;
}

std::vector<SummaryAnswer> summary_answers(const Dialog& dialog, const State& state) { return answers_of(dialog, state); }

Summary summarise(const Dialog& d, const Catalogue& content, const State& s, const std::string& reference, Millis now) {
  const Node* n = d.find(s.current);
  if (!s.finished || !n || !n->is_outcome()) return {};
  const auto views = current_view(d, content, s);
  if (views.empty() || !std::holds_alternative<OutcomeEvent>(views.front())) return {};
  return summarise(d, content, s, std::get<OutcomeEvent>(views.front()), reference, now);
}

Summary summarise(const Dialog& d, const Catalogue& content, const State& s, const OutcomeEvent& o, const std::string& reference, Millis now) {
  Summary sum;
  if (!s.finished || o.node != s.current) return sum;
  sum.heading = "Early help in Leeds: summary";
  sum.layout = layout_of(o.code);
  sum.date = uk_date_time(now);
  sum.time_utc = utc_iso(now);
  sum.reference = reference;
  sum.outcome = o.code;
  sum.node = o.node;
  sum.title = o.title;
  sum.advice = o.text;
  sum.points = o.points;
  sum.answers = answers_of(d, s);
  sum.contacts = o.contacts;
  sum.forms = o.forms;
  sum.guidance = o.guidance;
  sum.sources = sources_of(content, d, s, o);
  if (o.alert_fired) sum.safety_alert = safety_alert_words(d, s, o);

  const auto facts = facts_of(d, s);
  if (sum.layout == "request_form") {
    sum.sections.push_back(request_form_section(d, s, facts, o.contacts));
  } else if (sum.layout == "registration") {
    sum.sections.push_back(registration_section(d, s, facts, o.contacts));
  } else if (sum.layout == "call") {
    sum.sections.push_back(call_section(o.code, o.source.empty() ? kOneMinuteGuide : o.source, sum.answers));
    sum.answers_in_sections = true;
  }
  return sum;
}

SummaryText summary_text_parts(const Summary& s) {
  SummaryText t;
  if (s.outcome.empty()) return t;
  // Each part is written by appends into its own buffer: no temporary string per line.
  auto shared = [&t]() -> std::string& { return t.shared.emplace_back(); };
  auto own = [&t]() -> std::string& { return t.own.emplace_back(); };

  std::string* out = &shared();
  heading(*out, s.heading, '=');
  out = &own();
  add(*out, "Date: ", s.date, "\n");
  add(*out, "Reference: ", s.reference, "\n");
  out = &shared();
  add(*out, "Outcome: ", s.title, "\n");

  out = &own();
  if (!s.safety_alert.empty()) {
    *out += "\n";
    heading(*out, "SAFETY ALERT", '-');
    add(*out, s.safety_alert, "\n");
  }

  out = &shared();
  *out += "\n";
  heading(*out, "What to do next", '-');
  add(*out, s.advice, "\n");
  for (const auto& p : s.points) {
    *out += "- ";
    add_indented(*out, p);
    *out += "\n";
  }

  out = &own();
  out->reserve(2048);
  for (const auto& sec : s.sections) {
    *out += "\n";
    heading(*out, sec.heading, '-');
    if (!sec.intro.empty()) add(*out, sec.intro, "\n");
    for (const auto& item : sec.items) {
      const bool is_question = !item.label.empty() && item.label.back() == '?';  // "right now? Yes", not "now?: Yes"
      add(*out, "- ", item.label, is_question ? " " : ": ");
      add_indented(*out, item.text);
      *out += "\n";
    }
  }
  if (!s.answers_in_sections && !s.answers.empty()) {
    *out += "\n";
    heading(*out, "Your answers", '-');
    for (const auto& a : s.answers) {
      add(*out, "- ", a.question, "\n  ");
      add_indented(*out, a.answer);
      *out += "\n";
    }
  }

  out = &shared();
  out->reserve(2048);
  if (!s.contacts.empty()) {
    *out += "\n";
    heading(*out, "Who to contact", '-');
    for (const auto& c : s.contacts) {
      add(*out, "- ", c.name, "\n");
      if (!c.phone.empty()) add(*out, "  Phone: ", c.phone, "\n");
      if (!c.email.empty()) add(*out, "  Email: ", c.email, "\n");
      if (!c.hours.empty()) add(*out, "  Hours: ", c.hours, "\n");
      if (!c.note.empty()) add(*out, "  ", c.note, "\n");
    }
  }
  if (!s.forms.empty()) {
    *out += "\n";
    heading(*out, "Forms", '-');
    for (const auto& f : s.forms) add(*out, "- ", f.name, "\n");
  }
  if (!s.guidance.empty()) {
    *out += "\n";
    heading(*out, "Guidance to read", '-');
    for (const auto& g : s.guidance) add(*out, "- ", g.title, "\n");
  }
  if (!s.sources.empty()) {
    *out += "\n";
    heading(*out, "Sources", '-');
    for (const auto& src : s.sources) add(*out, "- ", src.title, " [", src.id, "]\n");
  }

  out = &own();
  if (std::any_of(s.answers.begin(), s.answers.end(), [](const SummaryAnswer& a) { return a.typed; }))
    *out += "\nTyped answers are shown with identifying details (such as phone numbers, emails, postcodes, dates and NHS "
            "numbers) taken out.\n";
  shared();
  return t;
}

std::string SummaryText::joined() const {
  std::size_t size = 0;
  for (const auto& p : shared) size += p.size();
  for (const auto& p : own) size += p.size();
  std::string out;
  out.reserve(size);
  for (std::size_t i = 0; i < shared.size(); ++i) {
    out += shared[i];
    if (i < own.size()) out += own[i];
  }
  return out;
}

std::string render_summary_text(const Summary& s) { return summary_text_parts(s).joined(); }

}  // namespace rc
