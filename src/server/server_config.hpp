// The server's own section of the configuration: where it listens, its limits, its pages.
// Parsed with the rest in src/cli/config.cpp; the server reads nothing else.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace rc {

struct Limits {
  std::size_t max_frame_bytes = 64 * 1024;
  double max_messages_per_second = 20;  // sustained, per connection
  int burst_messages = 40;              // bucket size before rate_limited
  int flood_close_after = 200;          // rate_limited replies before the connection is closed
  int idle_timeout_seconds = 900;
  int max_connections = 20000;
  std::size_t max_queued_messages = 256;  // outgoing frames queued per connection before it is dropped
  int write_timeout_seconds = 30;         // one write (or close) to a WebSocket peer; past it the peer is dropped
  int ping_after_seconds = 150;           // a WebSocket peer silent this long is pinged, and dropped if nothing comes back within as long again
  // Browser origins allowed to open the chat WebSocket besides the same host and localhost:
  // the configured ones plus embed.allowed_sites (merged when the config is read).
  std::vector<std::string> allowed_origins;
  // Connections one address may hold on the staff and console listeners (not the public one:
  // practitioners arrive through the partnership's proxy, all from one address).
  std::size_t max_connections_per_address = 64;
  // Connections the staff and the console listener may each hold in all: their own slices of the
  // descriptors, apart from the public listener's max_connections, so none can starve another.
  std::size_t max_staff_connections = 4096;
  // Chats one client may hold open (0: no limit). Behind a reverse proxy every practitioner
  // arrives from its address, so the client is the last X-Forwarded-For entry when the peer is
  // one of `trusted_proxies` (exact addresses or IPv4 prefixes).
  std::size_t max_chats_per_address = 0;
  std::vector<std::string> trusted_proxies{"127.0.0.1", "::1"};
};

// The chat widget other sites add with one script tag (web/widget.js; docs/security.md,
// "Embedding the chat"). Checked when the config is read: origins, lengths, colours and contrast.
struct EmbedConfig {
  // Origins (scheme://host[:port]) whose pages may frame the chat page: its CSP frame-ancestors
  // is 'self' and these. They are also added to limits.allowed_origins.
  std::vector<std::string> allowed_sites;
  std::string launcher_label = "Worried about a child?";
  std::string title = "Early help in Leeds";
  std::string colour = "#1d70b8";       // the launcher's and the title bar's background
  std::string text_colour = "#ffffff";  // their text: at least 4.5:1 against colour
};

struct ServerConfig {
  std::string listen_address = "127.0.0.1";
  unsigned short port = 8080;
  std::string console_address = "127.0.0.1";  // the staff console WebSocket (/v1/staff)
  unsigned short console_port = 8082;
  std::string web_root = "web";
  int threads = 0;  // I/O threads; 0: io_threads() decides
  Limits limits;
  EmbedConfig embed;

  // The I/O threads to run on a machine with `cores` cores (0 when unknown): as configured, or
  // one per core. On two cores, one I/O thread did 5-9% more turns under load (the log's writer
  // had the other core) but made a lone practitioner's turn slower, behind Botkit's, so the
  // default stays one per core; a deployment that wants throughput sets 1 (issue 18).
  int io_threads(unsigned cores) const { return threads > 0 ? threads : static_cast<int>(cores > 0 ? cores : 1); }
};

}  // namespace rc
