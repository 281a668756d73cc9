// See config.hpp.
#include "config.hpp"

#include "colour_contrast.hpp"
#include "http/address_list.hpp"
#include "http/site_origin.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace rc {
namespace {

using json = nlohmann::json;

std::string shown(const json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

class Reader {
 public:
  Reader(std::vector<std::string>& errors) : errors_(errors) {}

  template <class Int>
  void positive_int(const json& obj, const std::string& path, const char* key, Int& into, long long max = 1LL << 40) {
    if (!obj.contains(key)) return;
    const json& v = obj.at(key);
    if (!v.is_number_integer() || v.get<long long>() <= 0 || v.get<long long>() > max) {
      fail(path + key, "expected a positive integer" + (max < (1LL << 40) ? " up to " + std::to_string(max) : std::string()), v);
      return;
    }
    into = static_cast<Int>(v.get<long long>());
  }
  void positive_number(const json& obj, const std::string& path, const char* key, double& into) {
    if (!obj.contains(key)) return;
    const json& v = obj.at(key);
    if (!v.is_number() || v.get<double>() <= 0) return fail(path + key, "expected a positive number", v);
    into = v.get<double>();
  }
  void text(const json& obj, const std::string& path, const char* key, std::string& into,
            std::initializer_list<const char*> allowed = {}) {
    if (!obj.contains(key)) return;
    const json& v = obj.at(key);
    if (!v.is_string() || v.get<std::string>().empty()) return fail(path + key, "expected non-empty text", v);
    const std::string s = v.get<std::string>();
    if (allowed.size()) {
      std::string list;
      for (auto a : allowed) {
        if (s == a) {
          into = s;
          return;
        }
        list += std::string(list.empty() ? "" : ", ") + a;
      }
      return fail(path + key, "expected one of " + list, v);
    }
    into = s;
  }
  // Text shown to people (a label, a title): non-empty and at most max_characters long.
  void short_text(const json& obj, const std::string& path, const char* key, std::string& into, std::size_t max_characters) {
    if (!obj.contains(key)) return;
    const json& v = obj.at(key);
    const std::string why = "expected text of 1 to " + std::to_string(max_characters) + " characters";
    if (!v.is_string() || v.get<std::string>().empty()) return fail(path + key, why, v);
    const std::string s = v.get<std::string>();
    const auto characters = std::count_if(s.begin(), s.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; });
    if (static_cast<std::size_t>(characters) > max_characters) return fail(path + key, why, v);
    into = s;
  }
  void text_list(const json& obj, const std::string& path, const char* key, std::vector<std::string>& into) {
    if (!obj.contains(key)) return;
    const json& v = obj.at(key);
    if (!v.is_array()) return fail(path + key, "expected a list of text", v);
    std::vector<std::string> out;
    for (const auto& item : v) {
      if (!item.is_string()) return fail(path + key, "expected a list of text", v);
      out.push_back(item.get<std::string>());
    }
    into = out;
  }
  void unknown_keys(const json& obj, const std::string& path, std::initializer_list<const char*> known) {
    for (const auto& [k, v] : obj.items()) {
      bool ok = false;
      for (auto kk : known) ok = ok || k == kk;
      if (!ok) errors_.push_back(path + k + ": unknown setting");
    }
  }
  bool object(const json& obj, const std::string& path, const char* key) {
    if (!obj.contains(key)) return false;
    if (!obj.at(key).is_object()) {
      fail(path + key, "expected an object", obj.at(key));
      return false;
    }
    return true;
  }
  void fail(const std::string& key, const std::string& why, const json& got) { errors_.push_back(key + ": " + why + ", got " + shown(got)); }

 private:
  std::vector<std::string>& errors_;
};

// "4.47": rounded down, so a pair just short of 4.5:1 never reads as 4.50.
std::string ratio_text(double ratio) {
  char out[16];
  std::snprintf(out, sizeof out, "%.2f", std::floor(ratio * 100) / 100);
  return out;
}

void read_colour(Reader& r, const json& embed, const char* key, std::string& into) {
  if (!embed.contains(key)) return;
  const json& v = embed.at(key);
  if (!v.is_string() || !parse_hex_colour(v.get<std::string>())) return r.fail(std::string("embed.") + key, "expected a colour as #rrggbb", v);
  into = v.get<std::string>();
}

// The widget's settings (web/widget.js). Its sites may frame the chat page, and so are also
// allowed to open the WebSocket: the operator lists a site once.
void read_embed(Reader& r, const json& embed, Config& c, std::vector<std::string>& errors) {
  EmbedConfig& e = c.server.embed;
  r.unknown_keys(embed, "embed.", {"allowed_sites", "launcher_label", "title", "colour", "text_colour"});
  std::vector<std::string> sites;
  r.text_list(embed, "embed.", "allowed_sites", sites);
  for (const auto& site : sites) {
    auto origin = http::parse_site_origin(site);
    if (!origin) {
      errors.push_back("embed.allowed_sites: " + origin.error().message);
    } else if (std::find(e.allowed_sites.begin(), e.allowed_sites.end(), *origin) == e.allowed_sites.end()) {
      e.allowed_sites.push_back(*origin);
    }
  }
  r.short_text(embed, "embed.", "launcher_label", e.launcher_label, 40);
  r.short_text(embed, "embed.", "title", e.title, 60);
  const std::size_t errors_before = errors.size();
  read_colour(r, embed, "colour", e.colour);
  read_colour(r, embed, "text_colour", e.text_colour);
  if (errors.size() != errors_before) return;
  const double ratio = contrast_ratio(*parse_hex_colour(e.colour), *parse_hex_colour(e.text_colour));
  if (ratio < kMinimumTextContrast)
    errors.push_back("embed.colour, embed.text_colour: " + e.text_colour + " text on " + e.colour + " has a contrast ratio of " + ratio_text(ratio) +
                     ":1, below the 4.5:1 WCAG 2.2 AA asks for text: darken embed.colour or change embed.text_colour");
}

void merge_embed_sites_into_origins(Config& c) {
  auto& origins = c.server.limits.allowed_origins;
  for (const auto& site : c.server.embed.allowed_sites)
    if (std::find(origins.begin(), origins.end(), site) == origins.end()) origins.push_back(site);
}

}  // namespace

Result<std::pair<std::string, unsigned short>> parse_listen(const std::string& value, const std::string& default_address) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos) return make_error("expected ADDRESS:PORT, got \"" + value + "\"");
  std::string address = value.substr(0, colon);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  if (address.empty()) address = default_address;
  const std::string port = value.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
    return make_error("port must be a number from 0 to 65535, got \"" + port + "\"");
  return std::make_pair(address, static_cast<unsigned short>(std::stoi(port)));
}

Result<Config> parse_config(const std::string& text, const std::string& file) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    // Where, never what: the text around the error may be a secret (a token, a password).
    const std::size_t at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    const std::size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
    const std::size_t column = line_start == std::string::npos ? at + 1 : at - line_start;
    return make_error("not valid JSON at line " + std::to_string(line) + ", column " + std::to_string(column), file);
  }
  if (!j.is_object()) return make_error("the configuration must be a JSON object", file);
  Config c;
  c.file = file;
  std::vector<std::string> errors;
  Reader r(errors);
  r.unknown_keys(j, "", {"$comment", "listen", "staff_listen", "console_listen", "staff_token_days", "retention", "db", "db_password_file", "db_sync", "dialogs", "content", "spelling_dictionary", "web_root", "threads", "group_commit_max", "limits", "logging", "contacts", "handoff", "voice", "embed"});
  if (j.contains("listen")) {
    if (!j["listen"].is_string()) {
      r.fail("listen", "expected \"ADDRESS:PORT\"", j["listen"]);
    } else if (auto l = parse_listen(j["listen"].get<std::string>(), c.server.listen_address); !l) {
      errors.push_back("listen: " + l.error().message);
    } else {
      c.server.listen_address = l->first;
      c.server.port = l->second;
    }
  }
  if (j.contains("staff_listen")) {
    if (!j["staff_listen"].is_string()) {
      r.fail("staff_listen", "expected \"ADDRESS:PORT\"", j["staff_listen"]);
    } else if (auto l = parse_listen(j["staff_listen"].get<std::string>(), c.staff_address); !l) {
      errors.push_back("staff_listen: " + l.error().message);
    } else {
      c.staff_address = l->first;
      c.staff_port = l->second;
    }
  }
  if (j.contains("console_listen")) {
    if (!j["console_listen"].is_string()) {
      r.fail("console_listen", "expected \"ADDRESS:PORT\"", j["console_listen"]);
    } else if (auto l = parse_listen(j["console_listen"].get<std::string>(), c.server.console_address); !l) {
      errors.push_back("console_listen: " + l.error().message);
    } else {
      c.server.console_address = l->first;
      c.server.console_port = l->second;
    }
  }
  r.positive_int(j, "", "staff_token_days", c.staff_token_days, 3650);
  if (r.object(j, "", "retention")) {
    const json& l = j["retention"];
    r.unknown_keys(l, "retention.", {"free_text_days", "free_text_handed_off_days", "abandoned_days", "resume_token_hours", "record_days", "audit_days"});
    r.positive_int(l, "retention.", "free_text_days", c.retention.free_text_days, 36500);
    r.positive_int(l, "retention.", "free_text_handed_off_days", c.retention.free_text_handed_off_days, 36500);
    r.positive_int(l, "retention.", "abandoned_days", c.retention.abandoned_days, 36500);
    r.positive_int(l, "retention.", "resume_token_hours", c.retention.resume_token_hours, 876000);
    r.positive_int(l, "retention.", "record_days", c.retention.record_days, 36500);
    r.positive_int(l, "retention.", "audit_days", c.retention.audit_days, 36500);
  }
  r.text(j, "", "db", c.db_path);
  r.text(j, "", "db_password_file", c.db_password_file);
  r.text(j, "", "db_sync", c.db_sync);
  if (c.db_sync != "full" && c.db_sync != "normal") errors.push_back("db_sync: expected \"full\" or \"normal\", not \"" + c.db_sync.substr(0, 40) + "\"");
  r.text_list(j, "", "dialogs", c.dialogs);
  r.text(j, "", "content", c.content);
  r.text(j, "", "spelling_dictionary", c.spelling_dictionary);
  r.text(j, "", "web_root", c.server.web_root);
  r.positive_int(j, "", "threads", c.server.threads, 256);
  r.positive_int(j, "", "group_commit_max", c.group_commit_max, 100000);
  if (r.object(j, "", "limits")) {
    const json& l = j["limits"];
    r.unknown_keys(l, "limits.", {"max_frame_bytes", "max_messages_per_second", "burst_messages", "flood_close_after",
                                  "idle_timeout_seconds", "max_connections", "max_queued_messages", "allowed_origins", "max_connections_per_address",
                                  "write_timeout_seconds", "ping_after_seconds", "max_staff_connections", "max_chats_per_address",
                                  "trusted_proxies"});
    r.positive_int(l, "limits.", "max_frame_bytes", c.server.limits.max_frame_bytes, 16 * 1024 * 1024);
    r.positive_number(l, "limits.", "max_messages_per_second", c.server.limits.max_messages_per_second);
    r.positive_int(l, "limits.", "burst_messages", c.server.limits.burst_messages, 100000);
    r.positive_int(l, "limits.", "flood_close_after", c.server.limits.flood_close_after, 1000000);
    r.positive_int(l, "limits.", "idle_timeout_seconds", c.server.limits.idle_timeout_seconds, 86400);
    r.positive_int(l, "limits.", "max_connections", c.server.limits.max_connections, 1000000);
    r.positive_int(l, "limits.", "max_queued_messages", c.server.limits.max_queued_messages, 100000);
    r.text_list(l, "limits.", "allowed_origins", c.server.limits.allowed_origins);
    r.positive_int(l, "limits.", "write_timeout_seconds", c.server.limits.write_timeout_seconds, 3600);
    r.positive_int(l, "limits.", "ping_after_seconds", c.server.limits.ping_after_seconds, 3600);
    if (l.contains("max_chats_per_address") && l["max_chats_per_address"].is_number_integer() && l["max_chats_per_address"].get<long long>() == 0)
      c.server.limits.max_chats_per_address = 0;
    else
      r.positive_int(l, "limits.", "max_chats_per_address", c.server.limits.max_chats_per_address, 1000000);
    r.text_list(l, "limits.", "trusted_proxies", c.server.limits.trusted_proxies);
    if (auto proxies = http::AddressList::parse(c.server.limits.trusted_proxies); !proxies)
      errors.push_back("limits.trusted_proxies: " + proxies.error().message);
    r.positive_int(l, "limits.", "max_staff_connections", c.server.limits.max_staff_connections, 100000);
    r.positive_int(l, "limits.", "max_connections_per_address", c.server.limits.max_connections_per_address, 100000);
  }
  if (r.object(j, "", "logging")) {
    const json& l = j["logging"];
    r.unknown_keys(l, "logging.", {"level", "format"});
    r.text(l, "logging.", "level", c.logging.level, {"trace", "debug", "info", "warn", "error"});
    r.text(l, "logging.", "format", c.logging.format, {"text", "json"});
  }
  if (r.object(j, "", "contacts")) c.contacts = j["contacts"];
  if (j.contains("handoff")) parse_handoff_config(j["handoff"], c.handoff, errors);
  if (j.contains("voice")) parse_voice_config(j["voice"], c.voice, errors);
  if (r.object(j, "", "embed")) read_embed(r, j["embed"], c, errors);
  merge_embed_sites_into_origins(c);
  if (!errors.empty()) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "\n") + file + ": " + e;
    return make_error(all);
  }
  return c;
}

Result<Config> load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("cannot read the configuration file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path);
}

}  // namespace rc
