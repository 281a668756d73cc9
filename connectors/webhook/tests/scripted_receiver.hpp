// A real HTTP peer for the delivery tests: cpp-httplib on 127.0.0.1 (port 0) on its own thread.
// It records every POST it gets, checks its signature independently, and answers as scripted.
#pragma once
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "independent_signer.hpp"

namespace rc::handoff::webhook_test {

struct ReceivedPost {
  std::string content_type, id, idempotency_key, timestamp, signature, body;
  bool signature_ok = false;
};

class ScriptedReceiver {
 public:
  using Script = std::function<void(const httplib::Request&, httplib::Response&)>;

  explicit ScriptedReceiver(Script script, std::string secret = kSecret) : script_(std::move(script)), secret_(std::move(secret)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      record(req);
      script_(req, res);
    });
    // The socket listens from here on, so clients may connect at once; the loop only makes sure
    // stop() in the destructor finds the server running (before that it would do nothing).
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("the test receiver could not bind 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~ScriptedReceiver() {
    release_stalled();
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int port() const { return port_; }
  std::vector<ReceivedPost> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

  // For a script that must outlast the client's timeout: waits until the test ends (at most `limit`).
  void stall(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    released_cv_.wait_for(lock, limit, [this] { return released_; });
  }

 private:
  void record(const httplib::Request& req) {
    ReceivedPost p{req.get_header_value("content-type"), req.get_header_value("webhook-id"), req.get_header_value("idempotency-key"),
                   req.get_header_value("webhook-timestamp"), req.get_header_value("webhook-signature"), req.body};
    p.signature_ok = p.signature == signature_for(secret_, p.id, p.timestamp, p.body);
    std::lock_guard lock(mutex_);
    received_.push_back(std::move(p));
  }
  void release_stalled() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    released_cv_.notify_all();
  }

  Script script_;
  std::string secret_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable released_cv_;
  bool released_ = false;
  std::vector<ReceivedPost> received_;
};

}  // namespace rc::handoff::webhook_test
