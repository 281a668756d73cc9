// See webhook_connector.hpp. Settings, signing, the HTTP POST and callbacks each have their own
// file here; this one ties them to the Connector interface.
#include "webhook_connector.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "handoff/connector_settings.hpp"
#include "webhook_callback.hpp"
#include "webhook_delivery.hpp"
#include "webhook_settings.hpp"
#include "webhook_signature.hpp"

namespace rc::handoff {

namespace {

using webhook::WebhookSettings;

const char* describe(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::delivered: return "delivered";
    case DeliveryStatus::duplicate: return "duplicate";
    case DeliveryStatus::retry: return "retry";
    case DeliveryStatus::gone: return "gone";
  }
  return "?";
}

class WebhookConnector : public Connector {
 public:
  WebhookConnector(std::string name, WebhookSettings settings, std::function<Millis()> now)
      : name_(std::move(name)), settings_(std::move(settings)), now_(std::move(now)) {}

  bool wants(std::string_view kind) const override { return settings_.common.events.count(std::string(kind)) != 0; }
  bool includes_free_text() const override { return settings_.common.include_free_text; }

  // Holds no state between calls, so outbox workers may call it at once.
  Delivery deliver(const OutboundEvent& event) override {
    // Serialised once: these exact bytes are signed and sent. "replace" because a stray invalid
    // UTF-8 byte must not turn into an exception on a worker thread.
    std::string body = event.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::string timestamp = std::to_string(now_() / 1000);
    webhook::HttpPost post{settings_.url,
                           {"content-type: application/json", "webhook-id: " + event.event_id, "idempotency-key: " + event.event_id,
                            "webhook-timestamp: " + timestamp, "webhook-signature: " + webhook::sign(settings_.key, event.event_id, timestamp, body)},
                           std::move(body),
                           settings_.timeout_seconds};
    Delivery d = webhook::send_http_post(post);
    spdlog::info("webhook {}: {} {} attempt {}: {} ({})", name_, event.kind, event.event_id, event.attempt, describe(d.status), d.detail);
    return d;
  }

  CallbackReply callback(const CallbackRequest& request, HandoffControl& control) override {
    return webhook::answer_callback(request, control, webhook::CallbackPolicy{name_, settings_.callback_key, now_});
  }

 private:
  std::string name_;
  WebhookSettings settings_;
  std::function<Millis()> now_;
};

}  // namespace

Result<std::unique_ptr<Connector>> make_webhook_connector(const ConnectorContext& ctx) {
  // At start-up, before any worker thread could race libcurl's global set-up.
  if (!webhook::init_curl_once()) return make_error(setting_path(ctx.name, "type") + ": libcurl could not start", ctx.config_file);
  // Signatures and replay windows need the server's clock; the composition root gives it.
  if (!ctx.now) return make_error(setting_path(ctx.name, "type") + ": the server gave this connector no clock", ctx.config_file);
  auto settings = webhook::parse_webhook_settings(ctx.name, ctx.settings, ctx.config_file);
  if (!settings) return settings.error();
  return std::unique_ptr<Connector>(std::make_unique<WebhookConnector>(ctx.name, std::move(settings.value()), ctx.now));
}

}  // namespace rc::handoff
