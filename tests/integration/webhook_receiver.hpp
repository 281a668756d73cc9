// A webhook peer for tests: an HTTP server on loopback that checks Standard Webhooks signatures
// itself (independently of the server's code), answers with scripted statuses, and can hold
// requests unanswered.
#pragma once
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rc::test {

// "whsec_" + base64 of the 24-byte key "rightconv-test-key-12345".
inline const std::string kSecret = "whsec_cmlnaHRjb252LXRlc3Qta2V5LTEyMzQ1";
inline const std::string kKey = "rightconv-test-key-12345";

inline std::string base64(const unsigned char* data, int n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, n);
  out.resize(len);
  return out;
}

// Standard Webhooks: base64 of HMAC-SHA256(key, "id.timestamp.body"), written independently of the server's code.
inline std::string signature(const std::string& id, const std::string& timestamp, const std::string& body) {
  const std::string signed_text = id + "." + timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()), reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &len);
  return "v1," + base64(mac, static_cast<int>(len));
}

struct Delivery {
  std::string id, timestamp, body;
  bool signature_ok = false;
  int answered = 0;
};

// An HTTP peer on loopback that answers with the scripted statuses in turn (then 200). While
// held, a request is recorded as unanswered (answered 0) and waits until release().
class Receiver {
 public:
  Receiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock lock(mutex_);
      Delivery d{req.get_header_value("webhook-id"), req.get_header_value("webhook-timestamp"), req.body};
      d.signature_ok = req.get_header_value("webhook-signature") == signature(d.id, d.timestamp, d.body);
      if (holding_) {
        deliveries_.push_back(d);
        released_.wait(lock, [this] { return !holding_; });
        res.status = 503;
        return;
      }
      if (delay_ms_ > 0) {  // a peer that takes its time: deliveries are in flight for longer
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
        lock.lock();
      }
      d.answered = script_.empty() ? 200 : script_.front();
      if (!script_.empty()) script_.erase(script_.begin());
      deliveries_.push_back(d);
      res.status = d.answered;
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 200 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~Receiver() {
    release();
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  void script(std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    script_ = std::move(statuses);
  }
  void answer_after(int ms) {
    std::lock_guard lock(mutex_);
    delay_ms_ = ms;
  }
  std::vector<Delivery> deliveries() {
    std::lock_guard lock(mutex_);
    return deliveries_;
  }
  void hold() {
    std::lock_guard lock(mutex_);
    holding_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      holding_ = false;
    }
    released_.notify_all();
  }
  // Waits until some delivery of this event type was answered 2xx.
  bool wait_for_success(const std::string& type, int timeout_ms = 15000) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
      for (const auto& d : deliveries())
        if (d.answered / 100 == 2 && nlohmann::json::parse(d.body)["type"] == type) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  bool wait_for_attempts(std::size_t n, int timeout_ms = 15000) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end && deliveries().size() < n) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return deliveries().size() >= n;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<int> script_;
  std::vector<Delivery> deliveries_;
  bool holding_ = false;
  int delay_ms_ = 0;
  std::condition_variable released_;
};

// A server config whose east route hands off to the console and to this peer ("crm").
inline nlohmann::json webhook_config(int receiver_port, double give_up_after = 60) {
  using json = nlohmann::json;
  return {{"handoff",
           {{"accept_timeout_seconds", 60},
            {"outbox_poll_seconds", 0.2},
            {"routes", json::array({{{"name", "east"}, {"match", {{"area", "east"}}}, {"queue", "east"}, {"connectors", {"console", "crm"}}, {"contacts", {"hub_east"}}},
                                    {{"name", "any"}, {"match", json::object()}, {"connectors", {"console"}}, {"contacts", {"hub_east"}}}})},
            {"connectors",
             {{"console", {{"type", "console"}}},
              {"crm",
               {{"type", "webhook"},
                {"url", "http://127.0.0.1:" + std::to_string(receiver_port) + "/hook"},
                {"secret", kSecret},
                {"timeout_seconds", 2},
                {"retry", {{"initial_seconds", 0.2}, {"max_seconds", 0.4}, {"give_up_after_seconds", give_up_after}}}}}}}}}};
}

}  // namespace rc::test
