// See metrics.hpp.
#include "metrics.hpp"

#include <cstdio>

namespace rc {

void LatencyHistogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void LatencyHistogram::render(std::string& out, const std::string& name, const std::string& help) const {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  std::uint64_t cumulative = 0;
  char line[160];
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", name.c_str(), kBounds[i], static_cast<unsigned long long>(cumulative));
    out += line;
  }
  cumulative += buckets_[kBounds.size()].load(std::memory_order_relaxed);
  std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name.c_str(),
                static_cast<unsigned long long>(cumulative), name.c_str(), sum_micros_.load() / 1e6, name.c_str(),
                static_cast<unsigned long long>(count_.load()));
  out += line;
}

void render_metric(std::string& out, const char* name, const char* type, const char* help, double value) {
  char number[32];
  std::snprintf(number, sizeof number, "%.15g", value);
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + number + "\n";
}

void render_labelled(std::string& out, const char* name, const char* help, const std::string& label, const std::map<std::string, std::int64_t>& values) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
  for (const auto& [key, n] : values) out += std::string(name) + "{" + label + "=\"" + key + "\"} " + std::to_string(n) + "\n";
}

void Metrics::render(std::string& out, int open_chats) const {
  render_metric(out, "rightconv_open_connections", "gauge", "Open chat connections.", open_chats);
  render_metric(out, "rightconv_connections_total", "counter", "Chat connections accepted.", connections_total.load());
  render_metric(out, "rightconv_turns_total", "counter", "Client messages answered after a durable write.", turns.load());
  render_metric(out, "rightconv_write_failures_total", "counter", "Turns refused with server_busy.", write_failures.load());
  turn_latency.render(out, "rightconv_turn_latency_seconds", "From a message arriving to its reply being sent.");
  db_write_latency.render(out, "rightconv_db_write_latency_seconds", "From a turn reaching the writer to its commit.");
  render_metric(out, "rightconv_handoffs_requested_total", "counter", "Handoffs queued for a person.", handoffs_requested.load());
  render_metric(out, "rightconv_handoffs_accepted_total", "counter", "Handoffs a person accepted.", handoffs_accepted.load());
  render_metric(out, "rightconv_handoffs_unavailable_total", "counter", "Practitioners given contacts because no one could take it.",
                handoffs_unavailable.load());
  render_metric(out, "rightconv_outbox_delivered_total", "counter", "Outbox events a peer acknowledged.", outbox_delivered.load());
  render_metric(out, "rightconv_outbox_retries_total", "counter", "Outbox delivery attempts that will be retried.", outbox_retries.load());
  render_metric(out, "rightconv_outbox_failed_total", "counter", "Outbox events given up on or refused for good (alerts).", outbox_failed.load());
  render_metric(out, "rightconv_sign_in_failures_total", "counter", "Wrong, expired or disabled staff tokens tried.", sign_in_failures.load());
  render_metric(out, "rightconv_voice_rejected_total", "counter", "Voice requests refused for a missing or bad signature.", voice_rejected.load());
  render_metric(out, "rightconv_safety_alerts_total", "counter", "Turns on which the safety detector raised an alert.", safety_alerts.load());
}

}  // namespace rc
