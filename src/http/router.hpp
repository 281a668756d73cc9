// Routes requests to handlers by method and path. Paths are matched whole by RE2 (linear in
// the path, whatever a client sends); a route's groups land in Request::matches. Unmatched
// paths and handlers that throw are answered by the error and exception handlers.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "exchange.hpp"

namespace re2 {
class RE2;
}

namespace rc::http {

class Router {
 public:
  using Handler = std::function<void(const Request&, Response&)>;

  Router();
  ~Router();
  Router(Router&&) noexcept;

  void Get(const std::string& pattern, Handler handler) { add("GET", pattern, std::move(handler)); }
  void Post(const std::string& pattern, Handler handler) { add("POST", pattern, std::move(handler)); }
  // Runs when nothing matched (status 404) or a handler left the body empty with an error status.
  void set_error_handler(Handler handler) { on_error_ = std::move(handler); }
  // Runs when a handler throws.
  void set_exception_handler(Handler handler) { on_exception_ = std::move(handler); }
  // Headers every response carries unless the handler set them.
  void set_default_headers(std::vector<std::pair<std::string, std::string>> headers) { defaults_ = std::move(headers); }

  Response handle(Request request) const;
  // What is routed, for checks that the documentation lists every route: (method, pattern).
  std::vector<std::pair<std::string, std::string>> routes() const;
  // Whether a request with this method and path reaches a handler (not the error handler).
  bool routes_to(const std::string& method, const std::string& path) const;

 private:
  struct Route;
  void add(const char* method, const std::string& pattern, Handler handler);

  std::vector<std::unique_ptr<Route>> routes_;
  Handler on_error_, on_exception_;
  std::vector<std::pair<std::string, std::string>> defaults_;
};

}  // namespace rc::http
