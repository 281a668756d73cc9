// See voice_caller.hpp.
#include "voice_caller.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

namespace rc::test {
namespace {

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string form_encode(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) out += (out.empty() ? "" : "&") + percent_encode(k) + "=" + percent_encode(v);
  return out;
}

bool is(xmlNode* n, const char* name) { return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0; }

std::string text_of(xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

void read_gather(xmlNode* gather, Twiml& t) {
  for (xmlAttr* a = gather->properties; a; a = a->next) {
    xmlChar* v = xmlNodeListGetString(gather->doc, a->children, 1);
    t.gather[reinterpret_cast<const char*>(a->name)] = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
  }
  t.gather_action = t.gather["action"];
  for (xmlNode* c = gather->children; c; c = c->next)
    if (is(c, "Say")) t.says.push_back(text_of(c));
}

}  // namespace

std::string provider_signature(const std::string& auth_token, const std::string& url, Params params) {
  std::sort(params.begin(), params.end());
  std::string data = url;
  for (const auto& [k, v] : params) data += k + v;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &size);
  unsigned char out[64];
  const int n = EVP_EncodeBlock(out, mac, static_cast<int>(size));
  return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
}

std::string Twiml::said() const {
  std::string s;
  for (const auto& x : says) s += (s.empty() ? "" : " | ") + x;
  return s;
}

Twiml parse_twiml(int status, const std::string& body) {
  Twiml t;
  t.status = status;
  t.body = body;
  xmlDoc* doc = xmlReadMemory(body.data(), static_cast<int>(body.size()), "twiml.xml", nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) return t;
  xmlNode* root = xmlDocGetRootElement(doc);
  t.parsed = root && is(root, "Response");
  for (xmlNode* n = t.parsed ? root->children : nullptr; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    t.verbs.push_back(reinterpret_cast<const char*>(n->name));
    if (is(n, "Say")) t.says.push_back(text_of(n));
    else if (is(n, "Gather")) read_gather(n, t);
    else if (is(n, "Dial")) t.dials.push_back(text_of(n));
    else if (is(n, "Hangup")) t.hangs_up = true;
  }
  xmlFreeDoc(doc);
  return t;
}

VoiceCaller::VoiceCaller(unsigned short port, std::string base_url, std::string auth_token, std::string call_sid, std::string dialog)
    : port_(port), base_(std::move(base_url)), token_(std::move(auth_token)), call_sid_(std::move(call_sid)), dialog_(std::move(dialog)) {}

Params VoiceCaller::call_params() const {
  // The caller's own number rides on every request; the server must never keep it.
  return {{"AccountSid", "AC00000000000000000000000000000000"}, {"ApiVersion", "2010-04-01"}, {"CallSid", call_sid_},
          {"CallStatus", "in-progress"}, {"Called", "+441130000000"}, {"Caller", "+447700900123"}, {"Direction", "inbound"},
          {"From", "+447700900123"}, {"To", "+441130000000"}};
}

Twiml VoiceCaller::post(const std::string& url, Params params, const std::optional<std::string>& signature) {
  REQUIRE_MESSAGE(url.rfind(base_, 0) == 0, "an action URL outside the public base: " << url);
  const std::string target = url.substr(base_.size());
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(10, 0);
  httplib::Headers headers;
  const std::string sig = signature ? *signature : provider_signature(token_, url, params);
  if (!sig.empty()) headers.emplace("X-Twilio-Signature", sig);
  auto res = client.Post(target.c_str(), headers, form_encode(params), "application/x-www-form-urlencoded");
  last_ = res ? parse_twiml(res->status, res->body) : Twiml{};
  return last_;
}

Twiml VoiceCaller::follow(Params extra) {
  REQUIRE_MESSAGE(!last_.gather_action.empty(), "no Gather to answer in: " << last_.body);
  Params params = call_params();
  for (auto& p : extra) params.push_back(std::move(p));
  return post(last_.gather_action, std::move(params));
}

Twiml VoiceCaller::call() { return post(webhook_url(), call_params()); }
Twiml VoiceCaller::press(const std::string& digits) { return follow({{"Digits", digits}, {"FinishedOnKey", ""}}); }
Twiml VoiceCaller::say(const std::string& speech) { return follow({{"SpeechResult", speech}, {"Confidence", "0.92"}}); }
Twiml VoiceCaller::silence() { return follow({}); }

Twiml VoiceCaller::hang_up() {
  Params params = call_params();
  for (auto& [k, v] : params)
    if (k == "CallStatus") v = "completed";
  params.emplace_back("CallDuration", "42");
  return post(webhook_url() + "?event=status", std::move(params));
}

}  // namespace rc::test
