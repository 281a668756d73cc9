// One HTTP request and its response, as the staff API sees them: no sockets, no Beast. The
// listener (server/staff_listener_routes.cpp) turns the wire request into a Request and the
// Response back into bytes; everything in between is plain data.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rc::http {

struct Request {
  std::string method;  // "GET", "POST"... (HEAD is routed as GET; the listener drops the body)
  std::string path;    // without the query string
  std::string body;
  std::string remote_addr;
  std::multimap<std::string, std::string> params;  // the query string, decoded
  std::map<std::string, std::string> headers;      // names in lower case
  std::vector<std::string> matches;                // [0] the path, then the route's groups

  std::string get_header_value(const std::string& name) const;  // any case; "" when absent
  bool has_param(const std::string& name) const { return params.count(name) != 0; }
  std::string get_param_value(const std::string& name) const;   // the first; "" when absent
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;

  void set_content(std::string content, std::string type) {
    body = std::move(content);
    content_type = std::move(type);
  }
  void set_header(std::string name, std::string value);  // replaces one of the same name
};

}  // namespace rc::http
