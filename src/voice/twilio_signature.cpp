// See twilio_signature.hpp.
#include "twilio_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace rc::voice {

std::string twilio_signature(const std::string& auth_token, const std::string& url, const FormFields& params) {
  FormFields sorted = params;
  std::sort(sorted.begin(), sorted.end());  // by name, then value for a repeated name
  std::string data = url;
  for (const auto& [name, value] : sorted) data += name + value;

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &mac_size);
  std::string out(4 * ((mac_size + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(mac_size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool is_valid_twilio_signature(const std::string& auth_token, const std::string& url, const FormFields& params,
                               const std::string& signature) {
  if (auth_token.empty() || signature.empty()) return false;
  const std::string expected = twilio_signature(auth_token, url, params);
  return expected.size() == signature.size() && CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

}  // namespace rc::voice
