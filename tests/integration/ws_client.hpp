// A plain blocking WebSocket client for tests: connect, send text or binary, receive JSON
// with a timeout, and see how the server closed the connection.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rc::test {

class WsClient {
 public:
  // Connects to ws://127.0.0.1:port/v1/chat (or `target`), with an Origin header if given.
  WsClient(unsigned short port, const std::string& origin = {}, const std::string& target = "/v1/chat");
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  bool connected() const;
  std::string handshake_error() const;  // e.g. "403" when the upgrade was refused

  void send(const nlohmann::json& message);
  void send_text(const std::string& text);
  // One text message in several frames (a first frame and continuations), as `parts` split it.
  void send_fragments(const std::vector<std::string>& parts);
  void send_binary(const std::string& bytes);

  // The next message, or nullopt on timeout or when the connection closed.
  std::optional<nlohmann::json> receive(int timeout_ms = 5000);
  // Messages until one whose type is in `types` (inclusive); empty if it never came.
  std::vector<nlohmann::json> receive_until(const std::vector<std::string>& types, int timeout_ms = 5000);
  // Sends and returns the replies up to the first prompt, outcome or ended: the end of an
  // engine reply (an error about an answer is followed by the question again).
  std::vector<nlohmann::json> request(const nlohmann::json& message, int timeout_ms = 5000);

  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }
  std::string close_reason() const { return close_reason_; }
  void close();

 private:
  struct Impl;
  Impl* impl_;
  bool closed_ = false;
  int close_code_ = 0;
  std::string close_reason_;
};

// The last message of a reply batch, and the first of a given type.
const nlohmann::json* find_type(const std::vector<nlohmann::json>& messages, const std::string& type);

}  // namespace rc::test
