// See hunspell_words.hpp.
#include "hunspell_words.hpp"

#include <hunspell/hunspell.hxx>

#include <filesystem>
#include <map>
#include <mutex>

namespace rc {
namespace {

class HunspellWords final : public KnownWords {
 public:
  HunspellWords(const std::string& aff, const std::string& dic) : hunspell_(aff.c_str(), dic.c_str()) {}

  // Hunspell's spell() is not const and not safe from two threads at once; it is asked only
  // about words that look like a typo of a harm word, so one lock costs nothing measurable.
  bool knows(std::string_view word) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return hunspell_.spell(std::string(word));
  }

 private:
  mutable std::mutex mutex_;
  mutable Hunspell hunspell_;
};

}  // namespace

Result<std::shared_ptr<const KnownWords>> load_hunspell_words(const std::string& base) {
  // One Hunspell per dictionary for the life of the process. Hunspell keeps a global table with
  // an unguarded count of its instances: making one (a reload, on the staff pool) while another
  // goes (a retired guidance set's last conversation ending, on an I/O thread) would race on it.
  static std::mutex loaded_mutex;
  static std::map<std::string, std::shared_ptr<const KnownWords>> loaded;
  std::lock_guard lock(loaded_mutex);
  if (auto it = loaded.find(base); it != loaded.end()) return it->second;
  const std::string aff = base + ".aff", dic = base + ".dic";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(aff, ec) || !std::filesystem::is_regular_file(dic, ec))
    return make_error("spelling dictionary not found: " + aff + " and " + dic +
                      " (install Debian's hunspell-en-gb, or set spelling_dictionary in the config)");
  auto words = std::make_shared<HunspellWords>(aff, dic);
  if (!words->knows("child") || words->knows("qzxjv"))  // an unreadable file loads as an empty dictionary
    return make_error("spelling dictionary " + base + " could not be read as a Hunspell dictionary");
  return loaded[base] = std::shared_ptr<const KnownWords>(std::move(words));
}

}  // namespace rc
