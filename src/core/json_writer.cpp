// See json_writer.hpp.
#include "json_writer.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "text_fold.hpp"

namespace rc {

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;

// True when none of the eight bytes at `p` needs a look: no control character, no quote, no
// backslash, nothing past ASCII (word-at-a-time tests; see "Bit Twiddling Hacks", haszero).
bool plain_block(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  const auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  const std::uint64_t below_space = (v - kOnes * 0x20) & ~v & kHighs;
  return ((v & kHighs) | below_space | has_zero(v ^ (kOnes * '"')) | has_zero(v ^ (kOnes * '\\'))) == 0;
}

// A short key needing no escape (every key the project writes) goes out in one append.
bool plain_short(std::string_view text) {
  if (text.size() > 32) return false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

void append_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
  }
}

}  // namespace

// One pass: runs of plain ASCII are skipped eight bytes at a time and copied whole, what JSON
// must escape is escaped, and each character past ASCII is checked as UTF-8 on the way (the
// outcome summary, about 9.5 KB, goes through here on every outcome: issue 18).
void append_json_string(std::string& out, std::string_view text) {
  const std::size_t begin = out.size();
  out.reserve(begin + text.size() + 2);
  out += '"';
  const char* p = text.data();
  const std::size_t n = text.size();
  std::size_t run = 0, i = 0;  // run: where the characters copied as they are begin
  while (i < n) {
    while (i + 8 <= n && plain_block(p + i)) i += 8;
    if (i == n) break;
    const auto c = static_cast<unsigned char>(p[i]);
    if (c >= 0x80) {
      const std::size_t length = utf8_char_length(text.substr(i));
      if (length == 0) {  // rare: let nlohmann replace exactly as it does elsewhere
        out.resize(begin);
        out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      i += length;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(p + run, i - run);
    append_escape(out, c);
    run = ++i;
  }
  out.append(p + run, n - run);
  out += '"';
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!empty_.empty()) {
    if (empty_.back() == '0') out_ += ',';
    empty_.back() = '0';
  }
}

JsonWriter& JsonWriter::open(char bracket) {
  before_value();
  out_ += bracket;
  empty_ += '1';
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_ += bracket;
  empty_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  if (plain_short(name)) {
    char quoted[36];
    quoted[0] = '"';
    if (!name.empty()) std::memcpy(quoted + 1, name.data(), name.size());  // data() may be null when empty
    quoted[name.size() + 1] = '"';
    quoted[name.size() + 2] = ':';
    out_.append(quoted, name.size() + 3);
  } else {
    append_json_string(out_, name);
    out_ += ':';
  }
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) {
  before_value();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out_.append(digits, static_cast<std::size_t>(end - digits));
  return *this;
}

JsonWriter& JsonWriter::member_if(std::string_view name, std::string_view text) {
  if (!text.empty()) key(name).value(text);
  return *this;
}

}  // namespace rc
