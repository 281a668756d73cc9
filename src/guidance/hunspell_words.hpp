// The real English dictionary behind the safety detector's typo tolerance: Hunspell with
// Debian's en-GB dictionary (hunspell-en-gb), so a word the dictionary knows is never
// "corrected" into a harm word.
#pragma once
#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/spelling_fixer.hpp"

namespace rc {

// `base`: the dictionary's path without .aff/.dic, e.g. /usr/share/hunspell/en_GB.
Result<std::shared_ptr<const KnownWords>> load_hunspell_words(const std::string& base);

}  // namespace rc
