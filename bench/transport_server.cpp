// rightconv_transport: the bench's ceiling. A WebSocket server with no logic and no database:
// it answers each message of the bench's conversation with the frames rightconv sent for that
// turn (recorded from a real server, so the sizes match), with the message's ref put in. What
// rightconv spends beyond this row is its own work: parsing, the dialog, the log, the commit.
//
//   rightconv_transport --record-from PORT --frames FILE   one conversation against rightconv
//   rightconv_transport --frames FILE --port-file FILE      serve them on a free loopback port
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "conversation_script.hpp"

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using json = nlohmann::json;

namespace {

const std::string kRef = "@ref@";  // where the client's ref goes in a recorded frame

using Turns = std::vector<std::vector<std::string>>;  // per script step, the frames sent

// Plays the bench's conversation once against rightconv and keeps every frame of each turn.
Turns record(unsigned short port) {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().connect({net::ip::make_address("127.0.0.1"), port});
  ws.handshake("127.0.0.1:" + std::to_string(port), "/v1/chat");
  ws.text(true);
  const auto script = bench::ConversationScript::early_help_east("early-help");
  Turns turns;
  for (std::size_t i = 0; i < script.size(); ++i) {
    ws.write(net::buffer(script.message(i, kRef)));
    std::vector<std::string> frames;
    for (;;) {
      beast::flat_buffer buffer;
      ws.read(buffer);
      std::string frame = beast::buffers_to_string(buffer.data());
      const json j = json::parse(frame);
      if (j.value("type", "") == "error") throw std::runtime_error("rightconv answered an error: " + frame);
      frames.push_back(std::move(frame));
      if (bench::is_final_type(j.value("type", ""))) break;
    }
    turns.push_back(std::move(frames));
  }
  ws.close(websocket::close_code::normal);
  return turns;
}

// The value of "ref" in a client message, found without parsing it.
std::string_view ref_of(std::string_view message) {
  const auto at = message.find("\"ref\":\"");
  if (at == std::string_view::npos) return {};
  const auto start = at + 7, end = message.find('"', start);
  return end == std::string_view::npos ? std::string_view{} : message.substr(start, end - start);
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Turns& turns) : ws_(std::move(socket)), turns_(turns) {}

  void run() {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.auto_fragment(false);
    ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->ws_.text(true);
      self->read();
    });
  }

 private:
  void read() {
    buffer_.clear();
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->answer();
    });
  }

  void answer() {
    const std::string_view message(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    if (message.find("\"type\":\"start\"") != std::string_view::npos) step_ = 0;
    const std::string_view ref = ref_of(message);
    for (const auto& frame : turns_[step_ % turns_.size()]) {
      std::string out = frame;
      if (const auto at = out.find(kRef); at != std::string::npos) out.replace(at, kRef.size(), ref);
      outbox_.push_back(std::move(out));
    }
    ++step_;
    write();
  }

  void write() {
    ws_.async_write(net::buffer(outbox_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->outbox_.erase(self->outbox_.begin());
      if (!self->outbox_.empty()) return self->write();
      self->read();
    });
  }

  websocket::stream<tcp::socket> ws_;
  const Turns& turns_;
  beast::flat_buffer buffer_;
  std::vector<std::string> outbox_;
  std::size_t step_ = 0;
};

void accept(tcp::acceptor& acceptor, const Turns& turns) {
  acceptor.async_accept(net::make_strand(acceptor.get_executor()), [&acceptor, &turns](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), turns)->run();
    }
    accept(acceptor, turns);
  });
}

int usage() {
  std::cerr << "usage: rightconv_transport --record-from PORT --frames FILE\n"
               "       rightconv_transport --frames FILE --port-file FILE [--threads N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string frames_file, port_file;
  unsigned short record_port = 0;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));  // as rightconv's default
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--frames") frames_file = value;
    else if (flag == "--port-file") port_file = value;
    else if (flag == "--record-from") record_port = static_cast<unsigned short>(std::stoi(value));
    else if (flag == "--threads") threads = std::stoi(value);
    else return usage();
  }
  if (frames_file.empty() || (record_port == 0) == port_file.empty()) return usage();
  try {
    if (record_port) {
      std::ofstream(frames_file) << json(record(record_port)).dump();
      return 0;
    }
    std::ifstream in(frames_file);
    const Turns turns = json::parse(in).get<Turns>();
    net::io_context ioc(threads);
    tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), 0});
    std::ofstream(port_file) << acceptor.local_endpoint().port() << "\n";
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&ioc](beast::error_code, int) { ioc.stop(); });
    accept(acceptor, turns);
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::cerr << "rightconv_transport: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
