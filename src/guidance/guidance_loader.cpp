// See guidance_loader.hpp.
#include "guidance_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/dialog_loader.hpp"
#include "core/dialog_validator.hpp"
#include "core/safety_detector.hpp"
#include "hunspell_words.hpp"

namespace fs = std::filesystem;

namespace rc {
namespace {

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

bool is_data_file(const fs::path& p) {
  const std::string name = p.filename().string();
  if (name.size() > 12 && name.substr(name.size() - 12) == ".schema.json") return false;
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::vector<fs::path> data_files_in(const std::string& path, Problems& problems) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_regular_file() && is_data_file(entry.path())) out.push_back(entry.path());
    std::sort(out.begin(), out.end());
  } else if (fs::is_regular_file(path, ec)) {
    out.push_back(path);
  } else {
    problems.push_back({Severity::error, path, 0, "", "no such file or folder"});
  }
  return out;
}

// The detector reads typed text with a real dictionary behind its typo tolerance; without
// one it would "correct" real words, so a missing dictionary is an error, not a fallback.
void compile_safety_detector(Catalogue& content, const std::string& dictionary_path, Problems& problems) {
  SafetyRules& s = content.safety;
  if (s.detector_rules.empty()) return;  // check_catalogue reports it
  auto dictionary = load_hunspell_words(dictionary_path);
  if (!dictionary) {
    problems.push_back({Severity::error, s.detector_rules.file, s.detector_rules.line, "safety_detector", dictionary.error().message});
    return;
  }
  s.detector = SafetyDetector::compile(s.detector_rules, dictionary.value(), problems);
}

// The copies of the source documents that quotes are checked against, beside the content.
void read_source_documents(Catalogue& content, const std::string& content_dir, Problems& problems) {
  for (auto& [id, source] : content.sources) {
    if (source.document_path.empty()) continue;
    const fs::path path = fs::path(content_dir) / source.document_path;
    if (!read_file(path, source.document) || source.document.empty())
      problems.push_back({Severity::error, source.file, source.line, id, "document \"" + source.document_path + "\" cannot be read (looked for " + path.string() + ")"});
  }
}

}  // namespace

void apply_contact_overrides(Catalogue& content, const nlohmann::json& overrides, const std::string& file, Problems& problems) {
  if (overrides.is_null()) return;
  if (!overrides.is_object()) {
    problems.push_back({Severity::error, file, 0, "contacts", "contacts: expected an object of contact id -> details"});
    return;
  }
  for (const auto& [id, details] : overrides.items()) {
    auto it = content.contacts.find(id);
    if (it == content.contacts.end()) {
      problems.push_back({Severity::error, file, 0, id, "contacts." + id + ": no such contact in content/"});
      continue;
    }
    if (!details.is_object()) {
      problems.push_back({Severity::error, file, 0, id, "contacts." + id + ": expected an object"});
      continue;
    }
    Contact& c = it->second;
    for (const auto& [field, value] : details.items()) {
      if (!value.is_string()) {
        problems.push_back({Severity::error, file, 0, id, "contacts." + id + "." + field + ": expected text"});
        continue;
      }
      const std::string v = value.get<std::string>();
      if (field == "phone") c.phone = v;
      else if (field == "email") c.email = v, c.email_say.clear();  // the content's spoken form was of the old address
      else if (field == "hours") c.hours = v;
      else if (field == "note") c.note = v;
      else if (field == "name") c.name = v;
      else {
        problems.push_back({Severity::error, file, 0, id, "contacts." + id + "." + field + ": unknown field (phone, email, hours, note, name)"});
        continue;
      }
      c.needs_verification.erase(field);
      c.overridden_by = "config: " + file;
      c.file = file;  // problems with the new detail are the config's, not content/'s
      c.line = 0;
    }
  }
}

GuidanceSet load_guidance(const std::vector<std::string>& dialog_paths, const std::string& content_dir,
                          const nlohmann::json& contact_overrides, const std::string& overrides_file,
                          const std::string& spelling_dictionary) {
  GuidanceSet g;
  auto content_files = data_files_in(content_dir, g.problems);
  std::error_code ec;
  if (const fs::path safety = fs::path(content_dir) / "safety"; fs::is_directory(safety, ec))
    for (auto& p : data_files_in(safety.string(), g.problems)) content_files.push_back(std::move(p));
  for (const auto& p : content_files) {
    std::string text;
    if (!read_file(p, text)) {
      g.problems.push_back({Severity::error, p.string(), 0, "", "cannot read file"});
      continue;
    }
    parse_content(text, p.string(), g.content, g.problems);
  }
  read_source_documents(g.content, content_dir, g.problems);
  apply_contact_overrides(g.content, contact_overrides, overrides_file, g.problems);
  compile_safety_detector(g.content, spelling_dictionary, g.problems);
  for (auto& p : check_catalogue(g.content)) g.problems.push_back(std::move(p));

  for (const auto& path : dialog_paths) {
    for (const auto& p : data_files_in(path, g.problems)) {
      std::string text;
      if (!read_file(p, text)) {
        g.problems.push_back({Severity::error, p.string(), 0, "", "cannot read file"});
        continue;
      }
      auto d = parse_dialog(text, p.string(), g.problems);
      if (!d) continue;
      for (auto& vp : validate_dialog(*d, g.content)) g.problems.push_back(std::move(vp));
      if (const Dialog* other = g.find(d->id); other && !d->id.empty()) {
        g.problems.push_back({Severity::error, d->file, 1, d->id, "dialog id \"" + d->id + "\" is also used by " + other->file});
        continue;
      }
      g.dialogs.push_back(std::move(*d));
    }
  }
  return g;
}

}  // namespace rc
