// Reads one dialog file for the commands that compare versions (diff, replay), reporting
// load errors on err. The structure is all they need, so content is not loaded.
#pragma once
#include <iosfwd>
#include <optional>
#include <string>

#include "core/dialog.hpp"

namespace rc::cli {

// nullopt (with every error on err) when the file cannot be read or has errors.
std::optional<Dialog> read_dialog_file(const std::string& path, std::ostream& err);

}  // namespace rc::cli
