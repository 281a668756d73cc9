// /widget.js as served: web/widget.js is one function expression of the embed settings, and the
// server calls it with this deployment's settings, so they reach the host page with the script
// (no global, no second request, no CORS endpoint).
#pragma once
#include <string>

#include "server_config.hpp"

namespace rc {

// The settings the widget reads (label, title, colours) as a JSON object that is also safe as a
// JavaScript expression anywhere: every character that could end a string, a comment or an
// enclosing <script> (<, >, &, U+2028, U+2029, anything outside ASCII) is a \u escape.
std::string widget_settings_json(const EmbedConfig& embed);

// The file's text followed by "(SETTINGS);".
std::string widget_script(const std::string& file_text, const EmbedConfig& embed);

}  // namespace rc
