// Checks a parsed dialog against itself and the content catalogue, reporting every problem
// with file, line and node id: bad references, unreachable nodes, paths with no outcome,
// duplicate ids, empty texts, clashing synonyms, missing content and missing sources.
#pragma once
#include "content_catalogue.hpp"
#include "dialog.hpp"
#include "problem.hpp"

namespace rc {

Problems validate_dialog(const Dialog& dialog, const Catalogue& catalogue);

}  // namespace rc
