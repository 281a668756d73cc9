// See webhook_signature.hpp. OpenSSL does the HMAC, the base64 and the constant-time compare.
#include "webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>


namespace rc::handoff::webhook {

namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::string_view kVersionPrefix = "v1,";

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// EVP_DecodeBlock is lenient (it skips surrounding whitespace) and counts padding as zero
// bytes, so the shape is checked here first and the padding taken off its result.
bool is_padded_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return false;
  std::size_t data = text.size();
  while (data > 0 && text.size() - data < 2 && text[data - 1] == '=') --data;
  for (std::size_t i = 0; i < data; ++i)
    if (!is_base64_char(text[i])) return false;
  return true;
}

}  // namespace

std::string encode_base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // +1: EVP_EncodeBlock writes a NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> decode_base64(std::string_view text) {
  if (!is_padded_base64(text)) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  const std::size_t padding = (text.back() == '=') + (text[text.size() - 2] == '=');
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::optional<std::string> decode_secret(std::string_view secret) {
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix) return std::nullopt;
  auto key = decode_base64(secret.substr(kSecretPrefix.size()));
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string sign(std::string_view key, std::string_view id, std::string_view timestamp, std::string_view body) {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac,
       &mac_size);
  return std::string(kVersionPrefix) + encode_base64(std::string_view(reinterpret_cast<const char*>(mac), mac_size));
}

bool verify(std::string_view key, std::string_view id, std::string_view timestamp, std::string_view body, std::string_view signature_header) {
  const std::string expected = sign(key, id, timestamp, body);
  bool matched = false;
  while (!signature_header.empty()) {
    const std::size_t space = signature_header.find(' ');
    const std::string_view entry = signature_header.substr(0, space);
    signature_header = space == std::string_view::npos ? std::string_view() : signature_header.substr(space + 1);
    // Lengths are public (every v1 signature has the same one); only the bytes need hiding.
    if (entry.size() == expected.size() && CRYPTO_memcmp(entry.data(), expected.data(), expected.size()) == 0) matched = true;
  }
  return matched;
}

}  // namespace rc::handoff::webhook
