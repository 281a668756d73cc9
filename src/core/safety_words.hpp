// How the safety detector reads words, the same way for typed text and for its own patterns:
// contractions opened ("won't" -> "will not"), txt-speak and known misspellings replaced
// from the rules' spellings table ("u" -> "you"), then each word stemmed.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rc {

class WordReader {
 public:
  explicit WordReader(std::map<std::string, std::string> spellings);

  // The words one folded word stands for: "won't" -> {"will", "not"}, "u" -> {"you"}.
  std::vector<std::string> expand(std::string_view word) const;

 private:
  std::map<std::string, std::string, std::less<>> spellings_;
};

}  // namespace rc
