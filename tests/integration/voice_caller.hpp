// A loopback telephony provider for the voice tests: it posts form-encoded requests signed the
// way Twilio signs them (its own HMAC-SHA1, independent of the server's), follows each
// <Gather action>, and reads the TwiML it gets back with libxml2.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rc::test {

using Params = std::vector<std::pair<std::string, std::string>>;

// base64(HMAC-SHA1(token, url + each parameter sorted by name, name then value))
std::string provider_signature(const std::string& auth_token, const std::string& url, Params params);

// One TwiML reply, as a parser read it.
struct Twiml {
  int status = 0;
  std::string body;
  bool parsed = false;              // well-formed XML whose root is <Response>
  std::vector<std::string> verbs;   // the top-level elements, in order
  std::vector<std::string> says;    // every <Say>, in the order heard (those in the Gather too)
  std::string gather_action;        // "" when there is no Gather
  std::map<std::string, std::string> gather;  // the Gather's attributes
  std::vector<std::string> dials;
  bool hangs_up = false;

  std::string said() const;  // every Say, joined with " | "
  bool heard(const std::string& words) const { return said().find(words) != std::string::npos; }
};

Twiml parse_twiml(int status, const std::string& body);

class VoiceCaller {
 public:
  VoiceCaller(unsigned short port, std::string base_url, std::string auth_token, std::string call_sid, std::string dialog = "early-help");

  Twiml call();                                // the first webhook, when the call comes in
  Twiml press(const std::string& digits);      // answers the last Gather with keys
  Twiml say(const std::string& speech);        // ... with speech
  Twiml silence();                             // ... with nothing (actionOnEmptyResult)
  Twiml hang_up();                             // the status callback: completed
  // Posts to a URL under the base, signed unless `signature` says otherwise.
  Twiml post(const std::string& url, Params params, const std::optional<std::string>& signature = std::nullopt);

  void set_port(unsigned short port) { port_ = port; }
  const Twiml& last() const { return last_; }
  const std::string& call_sid() const { return call_sid_; }
  std::string webhook_url() const { return base_ + "/v1/voice/" + dialog_; }
  Params call_params() const;  // what the provider sends with every request of the call

 private:
  Twiml follow(Params extra);

  unsigned short port_;
  std::string base_, token_, call_sid_, dialog_;
  Twiml last_;
};

}  // namespace rc::test
