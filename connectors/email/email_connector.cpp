// See email_connector.hpp. The connector only joins the parts: settings (email_settings), the
// message (email_message) and the send (smtp_client). It holds no mutable state, so the outbox
// may call deliver() from several threads at once.
#include "email_connector.hpp"

#include <spdlog/spdlog.h>

#include "email_message.hpp"
#include "email_settings.hpp"
#include "smtp_client.hpp"

namespace rc::handoff {

namespace {

class EmailConnector : public Connector {
 public:
  explicit EmailConnector(EmailSettings settings) : settings_(std::move(settings)) {}

  bool wants(std::string_view kind) const override { return settings_.common.events.count(std::string(kind)) != 0; }
  bool includes_free_text() const override { return settings_.common.include_free_text; }

  Delivery deliver(const OutboundEvent& event) override {
    std::string message;
    try {
      message = compose_email(event, settings_.message);
    } catch (const std::exception&) {
      // A payload the message cannot be built from is a bug, not a peer failure; the outbox
      // still owns what happens next, and the worker thread keeps running.
      return {DeliveryStatus::retry, "could not build the email from the event", std::nullopt};
    }
    return send_smtp(settings_.smtp, message);
  }

 private:
  const EmailSettings settings_;
};

}  // namespace

Result<std::unique_ptr<Connector>> make_email_connector(const ConnectorContext& ctx) {
  init_curl_once();  // at start-up, before any outbox thread sends
  auto settings = parse_email_settings(ctx.name, ctx.settings, ctx.config_file);
  if (!settings) return settings.error();
  if (!settings->smtp.require_tls)
    spdlog::warn("handoff.connectors.{}: starttls is \"none\": mail to the relay on {} is sent without TLS", ctx.name, settings->host);
  return std::unique_ptr<Connector>(std::make_unique<EmailConnector>(std::move(settings.value())));
}

}  // namespace rc::handoff
