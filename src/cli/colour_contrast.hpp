// Colours as the embed settings write them (#rrggbb) and WCAG 2.2's contrast ratio between two
// of them, so a configured launcher cannot be unreadable (1.4.3 asks 4.5:1 for text).
#pragma once
#include <optional>
#include <string_view>

namespace rc {

struct Rgb {
  unsigned char red = 0, green = 0, blue = 0;
};

// "#1d70b8" (either case); nullopt for anything else (#abc, names, rgb()).
std::optional<Rgb> parse_hex_colour(std::string_view text);

// (L1 + 0.05) / (L2 + 0.05) of the relative luminances, the lighter first: 1 to 21.
double contrast_ratio(Rgb a, Rgb b);

inline constexpr double kMinimumTextContrast = 4.5;

}  // namespace rc
