// See console_connector.hpp.
#include "console_connector.hpp"

#include "handoff/connector_settings.hpp"

namespace rc::handoff {

namespace {

class ConsoleConnector : public Connector {
 public:
  ConsoleConnector(CommonSettings s, ConsoleBroadcast* consoles) : settings_(std::move(s)), consoles_(consoles) {}
  bool wants(std::string_view kind) const override { return settings_.events.count(std::string(kind)) != 0; }
  // Staff in the console read the conversation itself (audited), so the payload needs no free text.
  bool includes_free_text() const override { return settings_.include_free_text; }
  Delivery deliver(const OutboundEvent& event) override {
    if (consoles_) consoles_->publish(event);
    return {DeliveryStatus::delivered, "queued for the staff console"};
  }

 private:
  CommonSettings settings_;
  ConsoleBroadcast* consoles_;
};

}  // namespace

Result<std::unique_ptr<Connector>> make_console_connector(const ConnectorContext& ctx) {
  auto s = parse_common_settings(ctx.name, ctx.settings, {"requested", "message", "accepted", "cancelled", "ended"}, {}, ctx.config_file);
  if (!s) return s.error();
  return std::unique_ptr<Connector>(std::make_unique<ConsoleConnector>(std::move(s.value()), ctx.consoles));
}

}  // namespace rc::handoff
