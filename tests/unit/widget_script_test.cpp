// /widget.js as the server sends it: the file, then a call with the settings, which cannot end
// the script or the string they sit in, whatever an operator writes.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "server/widget_script.hpp"

using namespace rc;

TEST_CASE("the widget file is called with this deployment's settings") {
  EmbedConfig embed;
  embed.launcher_label = "Need help?";
  embed.colour = "#003078";
  const std::string script = widget_script("(function (settings) {})\n// no semicolon", embed);
  CHECK(script.rfind("(function (settings) {})\n// no semicolon\n(", 0) == 0);
  CHECK(script.substr(script.size() - 3) == ");\n");
  const auto settings = nlohmann::json::parse(widget_settings_json(embed));
  CHECK(settings == nlohmann::json{{"launcher_label", "Need help?"}, {"title", "Early help in Leeds"}, {"colour", "#003078"}, {"text_colour", "#ffffff"}});
  // The sites that may frame the chat are the server's business, not every visitor's.
  CHECK(script.find("allowed_sites") == std::string::npos);
}

TEST_CASE("settings cannot break out of the script: markup, line separators and quotes are escaped") {
  EmbedConfig embed;
  embed.launcher_label = "</script><script>alert(1)</script>";
  embed.title = "Help & \"advice\"\u2028\u2029 <!-- for Leeds";
  const std::string settings = widget_settings_json(embed);
  CAPTURE(settings);
  for (const char* unsafe : {"<", ">", "&", "\u2028", "\u2029"}) CHECK(settings.find(unsafe) == std::string::npos);
  for (unsigned char c : settings) CHECK(c < 0x80);
  // And it still means exactly what the operator wrote.
  const auto parsed = nlohmann::json::parse(settings);
  CHECK(parsed["launcher_label"] == embed.launcher_label);
  CHECK(parsed["title"] == embed.title);
}
