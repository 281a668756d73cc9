// Answering a peer's callback (POST /v1/connectors/webhook/<name>): check its Standard Webhooks
// signature and timestamp, read what the person did, hand it to HandoffControl and wait for it.
#pragma once
#include <chrono>
#include <functional>
#include <string>

#include "handoff/connector.hpp"

namespace rc::handoff::webhook {

struct CallbackPolicy {
  std::string connector;                    // the connector's name: PeerActor::connector
  std::string key;                          // the decoded callback secret
  std::function<Millis()> now;              // the server's clock
  std::chrono::seconds max_clock_skew{300};  // either way: older replays and far-future stamps are refused
  std::chrono::milliseconds control_timeout{30000};  // then 503: the peer retries with the same webhook-id
};

CallbackReply answer_callback(const CallbackRequest& request, HandoffControl& control, const CallbackPolicy& policy);

}  // namespace rc::handoff::webhook
