// Words typed as they are spoken in Leeds (and much of England), read as the standard word, so
// the safety detector's patterns need not list each one: an h dropped at the start ("'e's been
// 'ittin' 'er" -> "he's been hitting her"), a g dropped at the end ("gettin' knocked abaht"),
// and "t'" for "the" ("raidin' t'bins"). Guided by the dictionary: a word is changed only when
// the dictionary does not know it as typed and knows what it becomes, so a quoted "'mum" stays
// "mum" and "robin" stays "robin". Without a dictionary only the fixed short words and "t'" are read.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "spelling_fixer.hpp"

namespace rc {

class DialectReader {
 public:
  explicit DialectReader(std::shared_ptr<const KnownWords> dictionary = nullptr) : dictionary_(std::move(dictionary)) {}

  // The standard spelling of one folded word (several words, space-separated, for "t'kids"), or
  // the word unchanged. `apostrophe_before`: an apostrophe stood right before the word ("'ittin").
  std::string standard(std::string_view word, bool apostrophe_before) const;

 private:
  std::string restored(std::string_view base, bool apostrophe_before) const;
  bool knows(std::string_view word) const { return dictionary_ && dictionary_->knows(word); }

  std::shared_ptr<const KnownWords> dictionary_;
};

}  // namespace rc
