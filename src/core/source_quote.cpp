// See source_quote.hpp.
#include "source_quote.hpp"

#include "content_catalogue.hpp"

namespace rc {

namespace {

// White space as people paste it: ASCII spaces, tabs, line breaks and U+00A0.
std::size_t space_at(const std::string& s, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  return 0;
}

const Source* document_of(const QuoteOwner& owner, const Catalogue& c, Problems& out, const std::string& what) {
  auto it = c.sources.find(owner.source);
  if (it == c.sources.end()) return nullptr;  // "unknown source" is reported by the item's own check
  if (it->second.document.empty()) {
    out.push_back({Severity::error, owner.file, owner.line, owner.id,
                   what + " cites \"" + owner.source + "\", which has no document to check it against (give the source a document: in content/sources.yaml)"});
    return nullptr;
  }
  return &it->second;
}

}  // namespace

std::string squeeze_spaces(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool pending = false;
  for (std::size_t i = 0; i < text.size();) {
    if (std::size_t n = space_at(text, i)) {
      pending = !out.empty();
      i += n;
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += text[i++];
  }
  return out;
}

Problems check_quotes(const Quotes& quotes, const QuoteOwner& owner, const Catalogue& c) {
  Problems out;
  if (quotes.texts.empty()) return out;
  const QuoteOwner at{owner.file, quotes.line ? quotes.line : owner.line, owner.id, owner.source};
  const Source* source = document_of(at, c, out, "a quote");
  if (!source) return out;
  const std::string document = squeeze_spaces(source->document);
  for (const auto& q : quotes.texts) {
    const std::string wanted = squeeze_spaces(q);
    if (wanted.empty())
      out.push_back({Severity::error, at.file, at.line, at.id, "empty quote"});
    else if (document.find(wanted) == std::string::npos)
      out.push_back({Severity::error, at.file, at.line, at.id,
                     "quote not found in " + owner.source + " (" + source->document_path + "): \"" + q + "\""});
  }
  return out;
}

Problems check_published(const std::string& field, const std::string& as_published, const QuoteOwner& owner, const Catalogue& c) {
  Problems out;
  if (as_published.empty()) return out;
  const Source* source = document_of(owner, c, out, field + "_as_published");
  if (!source) return out;
  if (squeeze_spaces(source->document).find(squeeze_spaces(as_published)) == std::string::npos)
    out.push_back({Severity::error, owner.file, owner.line, owner.id,
                   field + "_as_published \"" + as_published + "\" is not in " + owner.source + " (" + source->document_path + ")"});
  return out;
}

}  // namespace rc
