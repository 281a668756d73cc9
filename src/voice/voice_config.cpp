// See voice_config.hpp.
#include "voice_config.hpp"

#include <cctype>
#include <cstdlib>

namespace rc {
namespace {

using json = nlohmann::json;

std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// Names and languages go into TwiML attributes: keep them to plain characters.
bool is_plain_name(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  return true;
}

class VoiceReader {
 public:
  VoiceReader(const json& obj, std::vector<std::string>& errors) : obj_(obj), errors_(errors) {}

  void flag(const char* key, bool& into) {
    if (!obj_.contains(key)) return;
    if (!obj_.at(key).is_boolean()) return fail(key, "expected true or false, got " + shown(obj_.at(key)));
    into = obj_.at(key).get<bool>();
  }
  // The value itself is echoed only when `echo` (never for the auth token).
  bool text(const char* key, std::string& into, bool echo = true) {
    if (!obj_.contains(key)) return false;
    const json& v = obj_.at(key);
    if (!v.is_string() || v.get<std::string>().empty()) {
      fail(key, "expected non-empty text" + (echo ? ", got " + shown(v) : std::string()));
      return false;
    }
    into = v.get<std::string>();
    return true;
  }
  void unknown_keys(std::initializer_list<const char*> known) {
    for (const auto& [k, v] : obj_.items()) {
      bool ok = false;
      for (auto kk : known) ok = ok || k == kk;
      if (!ok) errors_.push_back("voice." + k + ": unknown setting");
    }
  }
  void fail(const std::string& key, const std::string& why) { errors_.push_back("voice." + key + ": " + why); }

 private:
  const json& obj_;
  std::vector<std::string>& errors_;
};

std::string host_of(const std::string& rest) {
  std::string authority = rest.substr(0, rest.find('/'));
  if (!authority.empty() && authority[0] == '[') return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

void read_token(VoiceReader& r, VoiceConfig& into) {
  std::string literal, variable;
  const bool has_literal = r.text("auth_token", literal, false);
  const bool has_variable = r.text("auth_token_env", variable);
  if (has_literal && has_variable) return r.fail("auth_token", "give auth_token or auth_token_env, not both");
  if (has_literal) into.auth_token = literal;
  if (has_variable) {
    const char* value = std::getenv(variable.c_str());
    if (!value || !*value) return r.fail("auth_token_env", "the environment variable " + variable + " is not set");
    into.auth_token = value;
  }
}

}  // namespace

std::string public_base_url_problem(const std::string& url) {
  const bool https = url.rfind("https://", 0) == 0, http = url.rfind("http://", 0) == 0;
  if (!https && !http) return "expected an https:// URL";
  const std::string rest = url.substr(https ? 8 : 7);
  const std::string host = host_of(rest);
  if (host.empty()) return "expected an https:// URL with a host";
  for (unsigned char c : url)
    if (c <= ' ' || c == '?' || c == '#' || c == '@' || c >= 0x7f) return "expected a plain URL without spaces, query, fragment or user name";
  if (http && host != "127.0.0.1" && host != "localhost")
    return "expected an https:// URL (http:// only for 127.0.0.1 or localhost): the provider's requests carry the caller's answers";
  return {};
}

void parse_voice_config(const json& v, VoiceConfig& into, std::vector<std::string>& errors) {
  if (!v.is_object()) return errors.push_back("voice: expected an object, got " + shown(v));
  VoiceReader r(v, errors);
  r.unknown_keys({"$comment", "enabled", "public_base_url", "auth_token", "auth_token_env", "dial", "language", "voice"});
  r.flag("enabled", into.enabled);
  r.flag("dial", into.dial);
  std::string url;
  if (r.text("public_base_url", url)) {
    while (!url.empty() && url.back() == '/') url.pop_back();  // paths are added with their own /
    if (auto why = public_base_url_problem(url); !why.empty())
      r.fail("public_base_url", why + ", got " + shown(v.at("public_base_url")));
    else
      into.public_base_url = url;
  }
  read_token(r, into);
  std::string language, voice;
  if (r.text("language", language)) {
    if (is_plain_name(language, 16)) into.language = language;
    else r.fail("language", "expected a language tag such as en-GB, got " + shown(v.at("language")));
  }
  if (r.text("voice", voice)) {
    if (is_plain_name(voice, 64)) into.voice = voice;
    else r.fail("voice", "expected a voice name such as Polly.Amy, got " + shown(v.at("voice")));
  }
  if (into.enabled) {
    if (into.public_base_url.empty() && !v.contains("public_base_url"))
      r.fail("public_base_url", "required when voice.enabled is true (the address the provider calls; signatures are checked against it)");
    if (into.auth_token.empty() && !v.contains("auth_token") && !v.contains("auth_token_env"))
      r.fail("auth_token", "required when voice.enabled is true (or auth_token_env: the variable holding it)");
  }
}

}  // namespace rc
