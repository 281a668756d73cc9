// See widget_script.hpp.
#include "widget_script.hpp"

#include <nlohmann/json.hpp>

namespace rc {

std::string widget_settings_json(const EmbedConfig& embed) {
  const nlohmann::json settings{{"launcher_label", embed.launcher_label}, {"title", embed.title}, {"colour", embed.colour}, {"text_colour", embed.text_colour}};
  // ensure_ascii turns everything past ASCII (U+2028 and U+2029 with it) into \u escapes; the
  // three ASCII characters HTML cares about can appear only inside strings, where \u is the same.
  const std::string ascii = settings.dump(-1, ' ', true);
  std::string out;
  out.reserve(ascii.size() + 16);
  for (char c : ascii) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

std::string widget_script(const std::string& file_text, const EmbedConfig& embed) {
  // A newline first: the file may end in a line comment. The call then applies the function
  // expression the file holds (a line starting with "(" continues the expression before it).
  return file_text + "\n(" + widget_settings_json(embed) + ");\n";
}

}  // namespace rc
