// See router.hpp.
#include "router.hpp"

#include <re2/re2.h>

namespace rc::http {

struct Router::Route {
  std::string method;
  std::unique_ptr<RE2> pattern;
  Handler handler;
};

Router::Router() = default;
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;

void Router::add(const char* method, const std::string& pattern, Handler handler) {
  auto route = std::make_unique<Route>(Route{method, std::make_unique<RE2>(pattern), std::move(handler)});
  routes_.push_back(std::move(route));
}

namespace {

// The route's groups, or nothing when the path does not match it whole.
bool match(const RE2& pattern, const std::string& path, std::vector<std::string>& groups) {
  const int n = pattern.NumberOfCapturingGroups();
  groups.assign(static_cast<std::size_t>(n), std::string());
  std::vector<RE2::Arg> args(static_cast<std::size_t>(n));
  std::vector<const RE2::Arg*> pointers(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    args[static_cast<std::size_t>(i)] = &groups[static_cast<std::size_t>(i)];
    pointers[static_cast<std::size_t>(i)] = &args[static_cast<std::size_t>(i)];
  }
  return RE2::FullMatchN(path, pattern, pointers.data(), n);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_) out.emplace_back(r->method, r->pattern->pattern());
  return out;
}

bool Router::routes_to(const std::string& method, const std::string& path) const {
  std::vector<std::string> groups;
  for (const auto& r : routes_)
    if (r->method == method && match(*r->pattern, path, groups)) return true;
  return false;
}

Response Router::handle(Request request) const {
  Response response;
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  bool matched = false;
  for (const auto& r : routes_) {
    std::vector<std::string> groups;
    if (r->method != method || !match(*r->pattern, request.path, groups)) continue;
    request.matches.assign(1, request.path);
    for (auto& g : groups) request.matches.push_back(std::move(g));
    matched = true;
    try {
      r->handler(request, response);
    } catch (...) {
      response = Response{500};
      if (on_exception_) on_exception_(request, response);
    }
    break;
  }
  if (!matched) response.status = 404;
  if (response.body.empty() && response.status >= 400 && on_error_) on_error_(request, response);
  for (const auto& [name, value] : defaults_) {
    bool set = false;
    for (const auto& h : response.headers) set = set || h.first == name;
    if (!set) response.headers.emplace_back(name, value);
  }
  return response;
}

}  // namespace rc::http
