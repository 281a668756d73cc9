// See ids.hpp.
#include "ids.hpp"

#include <openssl/rand.h>

#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace rc {
namespace {

std::string random_hex(std::size_t bytes) {
  unsigned char buf[32];
  if (bytes > sizeof buf || RAND_bytes(buf, static_cast<int>(bytes)) != 1) throw std::runtime_error("no randomness available");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    out += hex[buf[i] >> 4];
    out += hex[buf[i] & 15];
  }
  return out;
}

}  // namespace

std::string random_token() { return random_hex(16); }

std::string new_conversation_id(std::int64_t now_ms) {
  char time_part[16];
  std::snprintf(time_part, sizeof time_part, "%012llx", static_cast<unsigned long long>(now_ms) & 0xffffffffffffULL);
  return std::string(time_part) + random_hex(8);
}

bool equal_in_constant_time(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

namespace {

constexpr std::string_view kReadable = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford's base32

// "<prefix>-XXXX-XXXX": 8 random characters of kReadable.
std::string readable_reference(const char* prefix) {
  const std::string hex = random_token();
  std::string out = std::string(prefix) + "-";
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out += '-';
    out += kReadable[std::stoi(hex.substr(i * 2, 2), nullptr, 16) % 32];
  }
  return out;
}

}  // namespace

std::string new_handoff_reference() { return readable_reference("HO"); }

std::string new_conversation_reference() { return readable_reference("EH"); }

std::optional<std::string> conversation_reference_of(std::string_view typed) {
  std::string chars;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // Crockford's reading of the letters it leaves out.
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    chars += c;
  }
  if (chars.size() == 10 && chars.rfind("EH", 0) == 0) chars.erase(0, 2);
  if (chars.size() != 8 || chars.find_first_not_of(kReadable) != std::string::npos) return std::nullopt;
  return "EH-" + chars.substr(0, 4) + "-" + chars.substr(4);
}

std::string new_event_id() { return "evt_" + random_token(); }

}  // namespace rc
