// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
// "<id>.<timestamp>.<body>", base64, as "v1,<signature>". Pure functions: no clock, no I/O.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace rc::handoff::webhook {

std::string encode_base64(std::string_view bytes);

// Standard padded base64 only (no whitespace, no URL alphabet): nullopt otherwise.
std::optional<std::string> decode_base64(std::string_view text);

// "whsec_<base64 key>" -> the key bytes; nullopt when the prefix or the base64 is wrong or the key is empty.
std::optional<std::string> decode_secret(std::string_view secret);

// The webhook-signature entry for one message: "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>".
// `key` is the decoded secret; `timestamp` is the text sent in webhook-timestamp.
std::string sign(std::string_view key, std::string_view id, std::string_view timestamp, std::string_view body);

// Whether any space-separated entry of a webhook-signature header is the right v1 signature.
// Compares in constant time, so a forger learns nothing from how long a refusal takes.
bool verify(std::string_view key, std::string_view id, std::string_view timestamp, std::string_view body, std::string_view signature_header);

}  // namespace rc::handoff::webhook
