// See word_stem.hpp. A Snowball stemmer keeps its result in its own buffer, so each thread
// has its own; creating one is cheap and happens once per thread.
#include "word_stem.hpp"

#include <libstemmer.h>

#include <memory>

namespace rc {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

sb_stemmer* thread_stemmer() {
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(sb_stemmer_new("english", "UTF_8"));
  return stemmer.get();
}

}  // namespace

std::string stem_word(std::string_view word) {
  sb_stemmer* s = thread_stemmer();
  if (!s || word.empty()) return std::string(word);
  const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (!out) return std::string(word);  // out of memory: the word as typed
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s)));
}

}  // namespace rc
