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

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The common message read by hand: an object whose keys and text are printable ASCII without
// escapes and whose values are text, true, false or null. False for anything else (an escape,
// a byte outside 0x20-0x7e, a number, a nested value, or text that is not JSON at all), and the
// SAX parser then reads it: this only ever accepts what the parser accepts, in the same members,
// and leaves every error to it. nlohmann's SAX was about 4% of a turn's instructions (issue 18).
class SimpleReader {
 public:
  explicit SimpleReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool read(std::vector<FlatObject::Member>& members) {
    skip_space();
    if (!eat('{')) return false;
    skip_space();
    if (!eat('}')) {
      do {
        skip_space();
        FlatObject::Member m;
        if (!string(m.key)) return false;
        skip_space();
        if (!eat(':')) return false;
        skip_space();
        if (!value(m)) return false;
        members.push_back(std::move(m));
        skip_space();
      } while (eat(','));
      if (!eat('}')) return false;
    }
    skip_space();
    return p_ == end_;
  }

 private:
  void skip_space() {
    while (p_ != end_ && is_space(*p_)) ++p_;
  }
  bool eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool word(std::string_view w) {
    if (static_cast<std::size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w) return false;
    p_ += w.size();
    return true;
  }
  bool string(std::string& out) {
    if (!eat('"')) return false;
    const char* start = p_;
    while (p_ != end_ && *p_ != '"') {
      const auto c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    out.assign(start, p_);
    ++p_;
    return true;
  }
  bool value(FlatObject::Member& m) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"':
        m.kind = FlatObject::Kind::text;
        return string(m.text);
      case 't':
        m.kind = FlatObject::Kind::boolean;
        m.flag = true;
        return word("true");
      case 'f':
        m.kind = FlatObject::Kind::boolean;
        return word("false");
      case 'n':
        m.kind = FlatObject::Kind::other;
        return word("null");
      default:
        return false;
    }
  }

  const char* p_;
  const char* end_;
};

}  // namespace

std::optional<FlatObject> FlatObject::read(std::string_view text) {
  FlatObject out;
  if (SimpleReader(text).read(out.members_)) return out;
  out.members_.clear();
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
