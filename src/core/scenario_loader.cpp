// See scenario_loader.hpp.
#include "scenario_loader.hpp"

#include <set>

#include "yaml_fields.hpp"

namespace rc {
namespace {

void add_problem(Problems& problems, const std::string& file, int line, const std::string& owner, const std::string& message) {
  problems.push_back({Severity::error, file, line, owner, message});
}

// An answer is an option id, {text: "..."} or {back: true}. A typed answer may add
// not_taken: true and reply_includes: [...].
std::optional<ScenarioAnswer> parse_answer(const YamlValue& v, const std::string& file, const std::string& owner, Problems& problems) {
  ScenarioAnswer a;
  a.line = v.line;
  if (v.is_scalar()) {
    a.value = v.scalar;
    return a;
  }
  if (v.is_map()) {
    YamlFields f(v, file, problems, owner);
    const YamlValue* text = f.raw("text");
    const bool back = f.flag("back");
    a.not_taken = f.flag("not_taken");
    a.reply_includes = f.text_list("reply_includes");
    f.report_unknown_keys();
    if ((a.not_taken || !a.reply_includes.empty()) && !text) {
      f.problem("not_taken and reply_includes go with a typed answer ({text: ...})");
      return std::nullopt;
    }
    if (text && back) {
      f.problem("an answer is either {text: ...} or {back: true}, not both");
      return std::nullopt;
    }
    if (back) {
      a.kind = ScenarioAnswer::Kind::back;
      return a;
    }
    if (text && text->is_scalar()) {
      a.kind = ScenarioAnswer::Kind::text;
      a.value = text->scalar;
      return a;
    }
    f.problem(text ? "\"text\" must be text" : "an answer mapping needs text: \"...\" or back: true");
    return std::nullopt;
  }
  add_problem(problems, file, v.line, owner, "each answer must be an option id, {text: \"...\"} or {back: true}");
  return std::nullopt;
}

std::optional<int> parse_count(YamlFields& f, const char* key) {
  const YamlValue* v = f.raw(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_scalar() && !v->scalar.empty() && v->scalar.find_first_not_of("0123456789") == std::string::npos && v->scalar.size() < 6)
    return std::stoi(v->scalar);
  f.problem(std::string("\"") + key + "\" must be a whole number", v->line);
  return std::nullopt;
}

std::optional<Scenario> parse_scenario(const YamlValue& item, const std::string& file, Problems& problems) {
  if (!item.is_map()) {
    add_problem(problems, file, item.line, "", "each scenario must be a mapping with name, answers and outcome");
    return std::nullopt;
  }
  YamlFields f(item, file, problems);
  Scenario s;
  s.line = f.line();
  s.name = f.text("name", true);
  f.set_owner(s.name);
  const std::size_t before = problems.size();
  const YamlValue* answers = f.raw("answers");
  if (!answers || answers->is_null()) {
    f.problem("missing \"answers\" (a list; [] for none)");
  } else if (!answers->is_sequence()) {
    f.problem("\"answers\" must be a list", answers->line);
  } else {
    for (const auto& a : answers->items)
      if (auto parsed = parse_answer(a, file, s.name, problems)) s.answers.push_back(std::move(*parsed));
  }
  s.outcome = f.text("outcome", true);
  if (f.raw("contacts")) s.contacts = f.text_list("contacts");
  s.alerts = parse_count(f, "alerts");
  s.outcome_includes = f.text_list("outcome_includes");
  s.outcome_includes_line = f.line_of_key("outcome_includes");
  f.report_unknown_keys();
  if (problems.size() != before) return std::nullopt;
  return s;
}

}  // namespace

std::optional<ScenarioFile> parse_scenarios(const std::string& text, const std::string& file, Problems& problems) {
  auto root = parse_yaml(text);
  if (!root) {
    add_problem(problems, file, root.error().line, "", "not valid YAML: " + root.error().message);
    return std::nullopt;
  }
  if (!root->is_map()) {
    add_problem(problems, file, 1, "", "a scenario file must be a mapping with dialog and scenarios");
    return std::nullopt;
  }
  ScenarioFile out;
  out.file = file;
  YamlFields f(*root, file, problems);
  out.line = f.line_of_key("dialog");
  out.dialog = f.text("dialog", true);
  const YamlValue* list = f.raw("scenarios");
  f.report_unknown_keys();
  if (!list || !list->is_sequence()) {
    f.problem("\"scenarios\" must be a list of scenarios", list ? list->line : 0);
    return out;
  }
  std::set<std::string> names;
  for (const auto& item : list->items) {
    const YamlValue* name = item.is_map() ? item.find("name") : nullptr;
    if (name && name->is_scalar() && !names.insert(name->scalar).second)
      add_problem(problems, file, item.line, name->scalar, "another scenario has the same name");
    if (auto s = parse_scenario(item, file, problems)) out.scenarios.push_back(std::move(*s));
  }
  return out;
}

}  // namespace rc
