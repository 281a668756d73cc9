// Standard Webhooks signing done separately from webhook_signature.cpp (straight OpenSSL calls),
// so the tests check the connector against the spec rather than against itself.
#pragma once
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace rc::handoff::webhook_test {

// The Standard Webhooks example secret; its base64 part is 32 characters, so no padding.
inline const std::string kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
// Another valid secret, for "signed with the wrong key".
inline const std::string kOtherSecret = "whsec_c2VjcmV0LWZvci10aGUtY2FsbGJhY2tzIQ==";

inline std::string raw_key(const std::string& secret) {
  const std::string b64 = secret.substr(6);
  std::string out(b64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(b64.data()),
                                static_cast<int>(b64.size()));
  std::size_t pad = 0;
  for (auto it = b64.rbegin(); it != b64.rend() && *it == '='; ++it) ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

inline std::string signature_for(const std::string& secret, const std::string& id, const std::string& timestamp, const std::string& body) {
  const std::string key = raw_key(secret);
  const std::string content = id + "." + timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &size);
  std::string b64(4 * ((size + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(size))));
  return "v1," + b64;
}

}  // namespace rc::handoff::webhook_test
