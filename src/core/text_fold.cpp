// See text_fold.hpp.
#include "text_fold.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace rc {
namespace {

// utf8proc_map refuses the whole string on one bad byte; typed text must never be refused.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) {
      out += ' ';
      ++p;
      --left;
      continue;
    }
    out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
    p += n;
    left -= n;
  }
  return out;
}

}  // namespace

std::size_t utf8_char_length(std::string_view text) {
  if (text.empty()) return 0;
  if (static_cast<unsigned char>(text[0]) < 0x80) return 1;
  utf8proc_int32_t cp = 0;
  const utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()), static_cast<utf8proc_ssize_t>(text.size()), &cp);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {  // ASCII, most of any text here: no need to decode it
      ++i;
      continue;
    }
    const std::size_t n = utf8_char_length(text.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string_view utf8_prefix(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // back to a character's first byte
  return text.substr(0, end);
}

namespace {

bool is_ascii_word_char(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

// A non-ASCII character at the start of `rest` (its length in `len`): a letter or digit in any script.
bool is_letter_or_digit(std::string_view rest, std::size_t& len) {
  utf8proc_int32_t cp = 0;
  const utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(rest.data()),
                                              static_cast<utf8proc_ssize_t>(rest.size()), &cp);
  if (n <= 0) return false;
  len = static_cast<std::size_t>(n);
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

bool is_break(unsigned char c) { return c == '.' || c == '!' || c == '?' || c == ';' || c == '\n' || c == '\r'; }

}  // namespace

std::string fold_text(std::string_view text) {
  if (text.empty()) return {};
  const std::string valid = valid_utf8(text);
  utf8proc_uint8_t* mapped = nullptr;
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                                      UTF8PROC_LUMP | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_NLF2LF);
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                                          static_cast<utf8proc_ssize_t>(valid.size()), &mapped, options);
  if (n < 0) return valid;  // out of memory: match on the text as typed rather than not at all
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
}

std::vector<FoldedWord> split_words(std::string_view s) {
  std::vector<FoldedWord> out;
  bool pending_break = false;
  bool pending_comma = false;
  bool in_word = false;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = 1;
    const auto c = static_cast<unsigned char>(s[i]);
    bool word_char = is_ascii_word_char(c);
    if (c >= 0x80) word_char = is_letter_or_digit(s.substr(i), len);
    if (word_char) {
      if (!in_word) {
        const bool apostrophe = i > 0 && s[i - 1] == '\'';
        out.push_back({{}, pending_break && !out.empty(), apostrophe, pending_comma && !out.empty()});
        pending_break = false;
        pending_comma = false;
        in_word = true;
      }
      if (c >= 'A' && c <= 'Z')
        out.back().text += static_cast<char>(c - 'A' + 'a');
      else
        out.back().text.append(s.substr(i, len));
    } else if (c == '\'' && in_word && i + 1 < s.size() && is_ascii_word_char(static_cast<unsigned char>(s[i + 1]))) {
      out.back().text += '\'';  // inside a word: "don't", "she's"
    } else {
      in_word = false;
      if (is_break(c)) pending_break = true;
      if (c == ',') pending_comma = true;
    }
    i += len;
  }
  return out;
}

}  // namespace rc
