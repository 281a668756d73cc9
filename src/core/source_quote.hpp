// Words quoted from a source document, so a reader (and `rightconv check`) can see that a
// content item or dialog node says what its document says, not something the author invented.
#pragma once
#include <string>
#include <vector>

#include "problem.hpp"

namespace rc {

struct Quotes {
  std::vector<std::string> texts;  // each must appear in the cited document
  int line = 0;                    // where `quote:` is written
};

struct Catalogue;

// Where a quote is written and what it cites, for reporting.
struct QuoteOwner {
  std::string file;
  int line = 0;
  std::string id;
  std::string source;  // the source id the item cites
};

// Each quote found in the cited document, compared with all runs of white space (line breaks,
// several spaces, non-breaking spaces) as one space. A quote that cannot be found, or a quote
// on an item whose source has no document to check it against, is an error.
Problems check_quotes(const Quotes& quotes, const QuoteOwner& owner, const Catalogue& catalogue);

// A detail as published ("0113 3760336") must appear in the cited document: the check that a
// contact's number was copied from its source, not typed from memory.
Problems check_published(const std::string& field, const std::string& as_published, const QuoteOwner& owner, const Catalogue& catalogue);

// The text with every run of white space as one space, trimmed.
std::string squeeze_spaces(const std::string& text);

}  // namespace rc
