// See ids.hpp.
#include "ids.hpp"

#include <openssl/rand.h>

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

std::string new_handoff_reference() {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const std::string hex = random_token();
  std::string out = "HO-";
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out += '-';
    out += kAlphabet[std::stoi(hex.substr(i * 2, 2), nullptr, 16) % 32];
  }
  return out;
}

std::string new_event_id() { return "evt_" + random_token(); }

}  // namespace rc
