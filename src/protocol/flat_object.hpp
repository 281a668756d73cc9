// A JSON object's top-level members read without building a tree: text and booleans as they
// are, anything else (numbers, null, nested objects and arrays) only noted by kind. For the
// client messages of nearly every turn, which are small and flat: parsing them into a tree was
// about a tenth of a turn's allocations (issue 18). The common shape (printable ASCII text
// without escapes, true, false, null) is read by hand; anything else, and every error, is left
// to nlohmann's SAX parser, so what counts as JSON is exactly what the tree parser accepts.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rc::protocol {

class FlatObject {
 public:
  enum class Kind { text, boolean, other };
  struct Member {
    std::string key;
    Kind kind = Kind::other;
    std::string text;
    bool flag = false;
  };

  // Nothing when `json` is not well-formed JSON or not an object.
  static std::optional<FlatObject> read(std::string_view json);

  // A key given twice counts as given last, as in nlohmann's tree.
  const Member* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // The member's text, or nothing when it is missing or not text.
  std::optional<std::string> text(std::string_view key) const;

 private:
  friend class FlatReader;
  std::vector<Member> members_;
};

}  // namespace rc::protocol
