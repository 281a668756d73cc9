// See spelling_fixer.hpp.
#include "spelling_fixer.hpp"

#include <algorithm>
#include <array>

namespace rc {
namespace {

bool is_plain_ascii_word(std::string_view w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::vector<std::string> one_letter_dropped(std::string_view w) {
  std::vector<std::string> out;
  out.reserve(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    std::string d(w.substr(0, i));
    d.append(w.substr(i + 1));
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  if (m >= 63) return a == b ? 0 : limit + 1;  // no word the detector looks for is this long
  std::array<std::size_t, 64> row0{}, row1{}, row2{};
  std::size_t *prev2 = row0.data(), *prev = row1.data(), *cur = row2.data();
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::size_t* oldest = prev2;
    prev2 = prev;
    prev = cur;
    cur = oldest;
  }
  return prev[m];
}

namespace {

std::vector<std::string> plain_words(const std::vector<std::string>& from) {
  std::vector<std::string> out;
  for (const auto& w : from)
    if (w.size() >= SpellingFixer::kMinLength && is_plain_ascii_word(w)) out.push_back(w);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

SpellingFixer::Deletions::Deletions(std::vector<std::string> given) : words(std::move(given)) {
  for (std::uint32_t i = 0; i < words.size(); ++i) {
    keys.emplace_back(words[i], i);
    for (auto& d : one_letter_dropped(words[i])) keys.emplace_back(std::move(d), i);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  keys.shrink_to_fit();
}

std::vector<const std::string*> SpellingFixer::Deletions::with_key(std::string_view key) const {
  std::vector<const std::string*> out;
  auto it = std::lower_bound(keys.begin(), keys.end(), key, [](const auto& entry, std::string_view k) { return entry.first < k; });
  for (; it != keys.end() && it->first == key; ++it) out.push_back(&words[it->second]);
  return out;
}

SpellingFixer::SpellingFixer(const std::vector<std::string>& stems, const std::vector<std::string>& prefixes,
                             std::shared_ptr<const KnownWords> dictionary, const std::vector<std::string>& known)
    : stems_(stems.begin(), stems.end()),
      known_(known.begin(), known.end()),
      by_delete_(plain_words(stems)),
      prefix_by_delete_(plain_words(prefixes)),
      dictionary_(std::move(dictionary)) {
  for (const auto& p : prefix_by_delete_.words) {
    prefix_set_.insert(p);
    shortest_prefix_ = std::min(shortest_prefix_, p.size());
    longest_prefix_ = std::max(longest_prefix_, p.size());
  }
}

std::string SpellingFixer::closest_word(std::string_view word) const {
  std::vector<std::string> keys = one_letter_dropped(word);
  keys.emplace_back(word);
  const std::string* best = nullptr;
  for (const auto& k : keys)
    for (const std::string* candidate : by_delete_.with_key(k))
      if (edit_distance(word, *candidate, 1) <= 1 && (!best || *candidate < *best)) best = candidate;
  return best ? *best : std::string();
}

// "sucidal" is one edit from "suicid" + "al": the start of the word (one letter shorter than a
// prefix, as long, or one longer) is looked up by its one-letter deletions, and the rest kept.
std::string SpellingFixer::closest_prefix(std::string_view word) const {
  if (prefix_by_delete_.words.empty()) return {};
  const std::size_t from = std::max(kMinLength, shortest_prefix_ - 1), to = std::min(word.size(), longest_prefix_ + 1);
  for (std::size_t take = from; take <= to; ++take) {
    const std::string_view start = word.substr(0, take);
    std::vector<std::string> keys = one_letter_dropped(start);
    keys.emplace_back(start);
    for (const auto& k : keys)
      for (const std::string* p : prefix_by_delete_.with_key(k))
        if (edit_distance(start, *p, 1) <= 1) return *p + std::string(word.substr(take));
  }
  return {};
}

std::string SpellingFixer::correct(std::string_view stem, std::string_view typed) const {
  if (!dictionary_ || typed.size() < kMinLength || stem.size() < kMinLength || !is_plain_ascii_word(stem) ||
      stems_.count(std::string(stem)) || known_.count(std::string(typed)))
    return {};
  for (std::size_t len = shortest_prefix_; len <= std::min(stem.size(), longest_prefix_); ++len)
    if (prefix_set_.count(std::string(stem.substr(0, len)))) return {};  // a word the detector looks for
  // A real word is what the writer meant; asking the dictionary first is also the cheap way
  // round (most typed words are real ones, and the search below costs more than the lookup).
  if (dictionary_->knows(typed)) return {};
  std::string fixed = closest_word(stem);
  if (fixed.empty()) fixed = closest_prefix(stem);
  if (fixed.empty() || fixed == stem) return {};
  return fixed;
}

}  // namespace rc
