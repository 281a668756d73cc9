// See exchange.hpp.
#include "exchange.hpp"

#include <algorithm>
#include <cctype>

namespace rc::http {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string Request::get_header_value(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::get_param_value(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

void Response::set_header(std::string name, std::string value) {
  auto same = [&](const auto& h) { return lower(h.first) == lower(name); };
  headers.erase(std::remove_if(headers.begin(), headers.end(), same), headers.end());
  headers.emplace_back(std::move(name), std::move(value));
}

}  // namespace rc::http
