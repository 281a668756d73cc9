// See quoted_printable.hpp.
#include "quoted_printable.hpp"

#include <vector>

namespace rc::handoff {

namespace {

constexpr std::size_t kMaxLine = 76;  // RFC 2045: encoded lines at most 76 characters, "=" included

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

bool is_dropped_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

// One byte as it appears encoded. Space and tab stay literal except at the end of a line,
// where relays may strip them.
std::string encode_byte(unsigned char c, bool is_last) {
  static const char* const hex = "0123456789ABCDEF";
  const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !is_last);
  if (literal) return std::string(1, static_cast<char>(c));
  return {'=', hex[c >> 4], hex[c & 15]};
}

void encode_line(std::string_view line, std::string& out) {
  std::string kept;
  for (unsigned char c : line)
    if (!is_dropped_control(c)) kept += static_cast<char>(c);
  std::size_t width = 0;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const bool is_last = i + 1 == kept.size();
    const std::string token = encode_byte(static_cast<unsigned char>(kept[i]), is_last);
    // A soft break ("=" CRLF) needs one column, so only the line's last token may reach column 76.
    const bool fits = width + token.size() <= (is_last ? kMaxLine : kMaxLine - 1);
    if (!fits) {
      out += "=\r\n";
      width = 0;
    }
    out += token;
    width += token.size();
  }
  out += "\r\n";
}

}  // namespace

std::string encode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (auto line : split_lines(text)) encode_line(line, out);
  return out;
}

}  // namespace rc::handoff
