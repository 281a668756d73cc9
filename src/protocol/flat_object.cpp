// See flat_object.hpp.
#include "flat_object.hpp"

#include <nlohmann/json.hpp>

namespace rc::protocol {

using json = nlohmann::json;

// Keeps the members at depth one; what is inside a nested value is read past, never kept.
class FlatReader final : public nlohmann::json_sax<json> {
 public:
  explicit FlatReader(FlatObject& into) : into_(into) {}
  bool is_object() const { return object_; }

  bool null() override { return add(FlatObject::Kind::other); }
  bool boolean(bool value) override {
    if (depth_ == 1) add_member(FlatObject::Kind::boolean).flag = value;
    return true;
  }
  bool number_integer(number_integer_t) override { return add(FlatObject::Kind::other); }
  bool number_unsigned(number_unsigned_t) override { return add(FlatObject::Kind::other); }
  bool number_float(number_float_t, const string_t&) override { return add(FlatObject::Kind::other); }
  bool string(string_t& value) override {
    if (depth_ == 1) add_member(FlatObject::Kind::text).text = std::move(value);
    return true;
  }
  bool binary(binary_t&) override { return add(FlatObject::Kind::other); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_ = true;
    return open();
  }
  bool key(string_t& name) override {
    if (depth_ == 1) key_ = std::move(name);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  FlatObject::Member& add_member(FlatObject::Kind kind) {
    into_.members_.push_back({std::move(key_), kind, {}, false});
    key_.clear();
    return into_.members_.back();
  }
  bool add(FlatObject::Kind kind) {
    if (depth_ == 1) add_member(kind);
    return true;
  }
  bool open() {
    if (depth_ == 1) add_member(FlatObject::Kind::other);  // a nested object or array: noted, not kept
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  FlatObject& into_;
  int depth_ = 0;
  bool object_ = false;
  std::string key_;
};

std::optional<FlatObject> FlatObject::read(std::string_view text) {
  FlatObject out;
  FlatReader reader(out);
  if (!json::sax_parse(text, &reader, json::input_format_t::json, /*strict=*/true) || !reader.is_object()) return std::nullopt;
  return out;
}

const FlatObject::Member* FlatObject::find(std::string_view key) const {
  for (auto it = members_.rbegin(); it != members_.rend(); ++it)
    if (it->key == key) return &*it;
  return nullptr;
}

std::optional<std::string> FlatObject::text(std::string_view key) const {
  const Member* m = find(key);
  if (!m || m->kind != Kind::text) return std::nullopt;
  return m->text;
}

}  // namespace rc::protocol
