// JSON text written straight into a string, as nlohmann's dump(-1, ' ', false, replace) writes
// it, for what is written on every turn (the state) or every outcome (the summary), without
// building a tree first (bench/README.md, issue 18). nlohmann's objects sort their keys; a
// writer does not, so callers give keys in sorted order (each caller is checked against the
// tree form byte for byte: tests/unit/summary_text_test.cpp, tests/unit/state_text_test.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace rc {

class JsonWriter {
 public:
  // `expected`: about how long the text will be, so it is allocated once.
  explicit JsonWriter(std::size_t expected = 0) { out_.reserve(expected); }
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::int64_t n);
  // A member whose value is text, or nothing when `text` is empty (an optional field left out).
  JsonWriter& member_if(std::string_view name, std::string_view text);
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  std::string out_;
  std::string empty_;  // per open object or array, '1' while nothing is in it yet (a string: no allocation below 16 levels)
  bool after_key_ = false;
};

// `text` as a JSON string, escaped as nlohmann writes it (invalid UTF-8 replaced by U+FFFD).
void append_json_string(std::string& out, std::string_view text);

}  // namespace rc
