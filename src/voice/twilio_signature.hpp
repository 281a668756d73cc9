// The provider's request signature (X-Twilio-Signature; SignalWire and Telnyx's TwiML endpoints
// sign the same way): base64 of HMAC-SHA1, keyed with the account's auth token, over the full
// URL the provider requested followed by each POST parameter, sorted by name, as name then value.
// The URL is the configured public one, never one built from the Host header, which the caller
// controls. Pure.
#pragma once
#include <string>

#include "http/form_encoding.hpp"

namespace rc::voice {

// The form encoding lives in http/; voice uses it by these names.
using http::FormFields;
using http::parse_form;
using http::field;
using http::has_field;
using http::url_encode;

std::string twilio_signature(const std::string& auth_token, const std::string& url, const FormFields& params);

// Compares in constant time; an empty signature or token is never valid.
bool is_valid_twilio_signature(const std::string& auth_token, const std::string& url, const FormFields& params,
                               const std::string& signature);

}  // namespace rc::voice
