// Counters and histograms for /metrics (Prometheus text format). Lock-free: updated from
// every session's strand, read by the staff API.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>

namespace rc {

class LatencyHistogram {
 public:
  static constexpr std::array<double, 12> kBounds{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

  void observe(double seconds);
  // Appends "# HELP", "# TYPE" and the bucket lines.
  void render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

struct Metrics {
  std::atomic<std::uint64_t> turns{0};             // client messages answered after a durable write
  std::atomic<std::uint64_t> connections_total{0}; // chat connections accepted since start
  std::atomic<std::uint64_t> write_failures{0};    // server_busy replies
  LatencyHistogram turn_latency;                   // message read -> reply queued
  LatencyHistogram db_write_latency;               // submitted to the writer -> committed
  // Handoffs and the outbox.
  std::atomic<std::uint64_t> handoffs_requested{0};
  std::atomic<std::uint64_t> handoffs_accepted{0};
  std::atomic<std::uint64_t> handoffs_unavailable{0};  // practitioners given contacts instead of a person
  std::atomic<std::uint64_t> outbox_delivered{0};
  std::atomic<std::uint64_t> outbox_retries{0};
  std::atomic<std::uint64_t> outbox_failed{0};         // gave up or the peer said gone (410): alerts
  std::atomic<std::int64_t> outbox_pending{-1};        // depth at the last scan (-1: not scanned yet)
  std::atomic<std::uint64_t> voice_rejected{0};        // voice requests refused (bad or missing signature)
  std::atomic<std::uint64_t> sign_in_failures{0};      // wrong, expired or disabled staff tokens
  std::atomic<std::uint64_t> safety_alerts{0};         // turns whose words the safety detector raised an alert on (committed)

  // Appends these counters in Prometheus text format; `open_chats` is the gauge of open connections.
  void render(std::string& out, int open_chats) const;
};

// Appends one Prometheus metric ("# HELP", "# TYPE", the value); `labels` e.g. status="active".
void render_metric(std::string& out, const char* name, const char* type, const char* help, double value);
void render_labelled(std::string& out, const char* name, const char* help, const std::string& label, const std::map<std::string, std::int64_t>& values);

}  // namespace rc
