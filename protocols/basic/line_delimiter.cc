#include "protocols/basic/line_delimiter.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace kit::protocols {

LineDelimiter::LineDelimiter(std::string_view ends, std::string_view sends, bool strip_cr)
    : ends_(ends), sends_(sends), strip_cr_(strip_cr) {
  if (ends_.empty()) throw std::invalid_argument("LineDelimiter: the delimiter is empty");
}

LineDelimiter LineDelimiter::crlf() { return LineDelimiter("\r\n", "\r\n", false); }

LineDelimiter LineDelimiter::lf() { return LineDelimiter("\n", "\n", false); }

LineDelimiter LineDelimiter::lf_strip_cr() { return LineDelimiter("\n", "\r\n", true); }

LineDelimiter LineDelimiter::custom(std::string_view ends) {
  return LineDelimiter(ends, ends, false);
}

LineDelimiter LineDelimiter::custom(std::string_view ends, std::string_view sends) {
  return LineDelimiter(ends, sends, false);
}

std::size_t LineDelimiter::find_end(std::string_view before, std::string_view in,
                                    std::size_t from) const {
  const std::size_t head = ends_.size() - 1;  // bytes of the delimiter before its last
  const char last = ends_.back();
  // The byte at offset `i` of before + in, counting `in` from 0 and `before` below it.
  auto at = [&](std::ptrdiff_t i) -> int {
    if (i >= 0) return static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
    const auto back = static_cast<std::size_t>(-i);
    if (back > before.size()) return -1;
    return static_cast<unsigned char>(before[before.size() - back]);
  };
  std::size_t i = from;
  while (i < in.size()) {
    const void* hit = std::memchr(in.data() + i, last, in.size() - i);
    if (hit == nullptr) return npos;
    const auto pos = static_cast<std::size_t>(static_cast<const char*>(hit) - in.data());
    bool match = true;
    for (std::size_t k = 0; k < head && match; ++k) {
      const auto offset = static_cast<std::ptrdiff_t>(pos) - static_cast<std::ptrdiff_t>(head - k);
      match = at(offset) == static_cast<unsigned char>(ends_[k]);
    }
    if (match) return pos + 1;
    i = pos + 1;
  }
  return npos;
}

std::size_t LineDelimiter::min_length(std::string_view partial) const noexcept {
  // The longest suffix of `partial` that is a proper prefix of the delimiter.
  std::size_t held = 0;
  for (std::size_t k = std::min(partial.size(), ends_.size() - 1); k > 0; --k) {
    if (partial.substr(partial.size() - k) == std::string_view(ends_).substr(0, k)) {
      held = k;
      break;
    }
  }
  if (strip_cr_ && held == 0 && !partial.empty() && partial.back() == '\r') held = 1;
  return partial.size() - held;
}

}  // namespace kit::protocols
