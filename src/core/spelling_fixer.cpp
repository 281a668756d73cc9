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

SpellingFixer::SpellingFixer(const std::vector<std::string>& stems, const std::vector<std::string>& prefixes,
                             std::shared_ptr<const KnownWords> dictionary, const std::vector<std::string>& known)
    : known_(known.begin(), known.end()), dictionary_(std::move(dictionary)) {
  for (const auto& w : stems) {
    stems_.insert(w);
    if (w.size() < kMinLength || !is_plain_ascii_word(w)) continue;
    by_delete_[w].push_back(w);
    for (auto& d : one_letter_dropped(w)) by_delete_[std::move(d)].push_back(w);
  }
  for (const auto& p : prefixes)
    if (p.size() >= kMinLength && is_plain_ascii_word(p)) prefixes_.push_back(p);
  std::sort(prefixes_.begin(), prefixes_.end());
  prefixes_.erase(std::unique(prefixes_.begin(), prefixes_.end()), prefixes_.end());
  for (const auto& p : prefixes_) {
    prefix_by_delete_[p].push_back(p);
    for (auto& d : one_letter_dropped(p)) prefix_by_delete_[std::move(d)].push_back(p);
    prefix_set_.insert(p);
    shortest_prefix_ = std::min(shortest_prefix_, p.size());
    longest_prefix_ = std::max(longest_prefix_, p.size());
  }
  for (auto& [key, list] : by_delete_) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
}

std::string SpellingFixer::closest_word(std::string_view word) const {
  std::vector<std::string> keys = one_letter_dropped(word);
  keys.emplace_back(word);
  const std::string* best = nullptr;
  for (const auto& k : keys) {
    auto it = by_delete_.find(k);
    if (it == by_delete_.end()) continue;
    for (const auto& candidate : it->second)
      if (edit_distance(word, candidate, 1) <= 1 && (!best || candidate < *best)) best = &candidate;
  }
  return best ? *best : std::string();
}

// "sucidal" is one edit from "suicid" + "al": the start of the word (one letter shorter than a
// prefix, as long, or one longer) is looked up by its one-letter deletions, and the rest kept.
std::string SpellingFixer::closest_prefix(std::string_view word) const {
  if (prefixes_.empty()) return {};
  const std::size_t from = std::max(kMinLength, shortest_prefix_ - 1), to = std::min(word.size(), longest_prefix_ + 1);
  for (std::size_t take = from; take <= to; ++take) {
    const std::string_view start = word.substr(0, take);
    std::vector<std::string> keys = one_letter_dropped(start);
    keys.emplace_back(start);
    for (const auto& k : keys) {
      auto it = prefix_by_delete_.find(k);
      if (it == prefix_by_delete_.end()) continue;
      for (const auto& p : it->second)
        if (edit_distance(start, p, 1) <= 1) return p + std::string(word.substr(take));
    }
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
