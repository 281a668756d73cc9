// English word forms through the Snowball stemmer (libstemmer): "bruises", "bruised" and
// "bruising" all read as "bruis", so a term written once matches every form of the word.
#pragma once
#include <string>
#include <string_view>

namespace rc {

// The Snowball English stem of one folded word. Thread-safe (one stemmer per thread).
std::string stem_word(std::string_view word);

}  // namespace rc
