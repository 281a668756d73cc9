// See colour_contrast.hpp. The formulas are WCAG 2.2's definitions of relative luminance and
// contrast ratio (with the sRGB threshold 0.04045).
#include "colour_contrast.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace rc {
namespace {

double linear(unsigned char channel) {
  const double c = channel / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double relative_luminance(Rgb c) { return 0.2126 * linear(c.red) + 0.7152 * linear(c.green) + 0.0722 * linear(c.blue); }

}  // namespace

std::optional<Rgb> parse_hex_colour(std::string_view text) {
  if (text.size() != 7 || text[0] != '#') return std::nullopt;
  unsigned char channels[3];
  for (std::size_t i = 0; i < 3; ++i) {
    const char* first = text.data() + 1 + 2 * i;
    unsigned value = 0;
    const auto [end, error] = std::from_chars(first, first + 2, value, 16);
    if (error != std::errc() || end != first + 2) return std::nullopt;
    channels[i] = static_cast<unsigned char>(value);
  }
  return Rgb{channels[0], channels[1], channels[2]};
}

double contrast_ratio(Rgb a, Rgb b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace rc
