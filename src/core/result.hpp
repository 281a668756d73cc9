// Result<T>: a value or an error with a message, for expected failures (bad input, missing files).
// Exceptions stay for broken invariants only.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace rc {

struct Error {
  std::string message;
  std::string file;  // empty when there is no file
  int line = 0;      // 1-based; 0 when unknown

  std::string describe() const {
    if (file.empty()) return message;
    return file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + message;
  }
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(std::string message, std::string file = {}, int line = 0) {
  return Error{std::move(message), std::move(file), line};
}

}  // namespace rc
