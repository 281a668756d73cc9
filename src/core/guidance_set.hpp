// The dialogs and the content catalogue a server runs on, with every problem found while
// loading them (guidance/guidance_loader reads them from disk).
#pragma once
#include <string>
#include <vector>

#include "content_catalogue.hpp"
#include "dialog.hpp"
#include "problem.hpp"

namespace rc {

struct GuidanceSet {
  std::vector<Dialog> dialogs;
  Catalogue content;
  Problems problems;  // everything found while loading and checking

  const Dialog* find(const std::string& dialog_id) const {
    for (const auto& d : dialogs)
      if (d.id == dialog_id) return &d;
    return nullptr;
  }
};

}  // namespace rc
