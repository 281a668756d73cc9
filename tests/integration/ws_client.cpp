// See ws_client.hpp. Blocking Beast calls with socket receive timeouts.
#include "ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace rc::test {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

struct WsClient::Impl {
  boost::asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  std::string error;
  bool ok = false;
};

WsClient::WsClient(unsigned short port, const std::string& origin, const std::string& target) : impl_(new Impl) {
  try {
    impl_->ws.next_layer().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    impl_->ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
      if (!origin.empty()) req.set(beast::http::field::origin, origin);
    }));
    impl_->ws.read_message_max(64 * 1024 * 1024);
    websocket::response_type res;
    beast::error_code ec;
    impl_->ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
    if (ec) {
      impl_->error = res.result_int() == 200 ? ec.message() : std::to_string(res.result_int());
      return;
    }
    impl_->ok = true;
  } catch (const std::exception& e) {
    impl_->error = e.what();
  }
}

WsClient::~WsClient() {
  if (impl_->ok && !closed_) {
    beast::error_code ec;
    impl_->ws.next_layer().close(ec);
  }
  delete impl_;
}

bool WsClient::connected() const { return impl_->ok; }
std::string WsClient::handshake_error() const { return impl_->error; }

void WsClient::send(const nlohmann::json& message) { send_text(message.dump()); }

void WsClient::send_text(const std::string& text) {
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(boost::asio::buffer(text), ec);
}

void WsClient::send_fragments(const std::vector<std::string>& parts) {
  beast::error_code ec;
  impl_->ws.text(true);
  for (std::size_t i = 0; i < parts.size() && !ec; ++i) impl_->ws.write_some(i + 1 == parts.size(), boost::asio::buffer(parts[i]), ec);
}

void WsClient::send_binary(const std::string& bytes) {
  beast::error_code ec;
  impl_->ws.binary(true);
  impl_->ws.write(boost::asio::buffer(bytes), ec);
  impl_->ws.text(true);
}

std::optional<nlohmann::json> WsClient::receive(int timeout_ms) {
  if (closed_ || !impl_->ok) return std::nullopt;
  // Asio's blocking reads ignore SO_RCVTIMEO, so read asynchronously and run the context for the
  // timeout. A read that times out is cancelled, which leaves the stream unusable: the client
  // then counts as closed (code 0), so a test can never hang on a missing reply.
  beast::flat_buffer buffer;
  beast::error_code ec;
  bool done = false;
  impl_->ws.async_read(buffer, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  impl_->ioc.restart();
  impl_->ioc.run_for(std::chrono::milliseconds(timeout_ms));
  if (!done) {
    beast::error_code ignored;
    impl_->ws.next_layer().cancel(ignored);
    impl_->ioc.restart();
    impl_->ioc.run();
    closed_ = true;
    return std::nullopt;
  }
  if (ec) {
    closed_ = true;
    close_code_ = impl_->ws.reason().code;
    close_reason_ = std::string(impl_->ws.reason().reason.data(), impl_->ws.reason().reason.size());
    return std::nullopt;
  }
  return nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
}

std::vector<nlohmann::json> WsClient::receive_until(const std::vector<std::string>& types, int timeout_ms) {
  std::vector<nlohmann::json> out;
  while (auto m = receive(timeout_ms)) {
    out.push_back(*m);
    const std::string type = m->value("type", "");
    for (const auto& t : types)
      if (t == type) return out;
  }
  return {};
}

std::vector<nlohmann::json> WsClient::request(const nlohmann::json& message, int timeout_ms) {
  send(message);
  return receive_until({"prompt", "outcome", "ended"}, timeout_ms);
}

void WsClient::close() {
  beast::error_code ec;
  impl_->ws.close(websocket::close_code::normal, ec);
  closed_ = true;
}

const nlohmann::json* find_type(const std::vector<nlohmann::json>& messages, const std::string& type) {
  for (const auto& m : messages)
    if (m.value("type", "") == type) return &m;
  return nullptr;
}

}  // namespace rc::test
