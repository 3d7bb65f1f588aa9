#include "protocols/basic/line_only_receiver.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kit::protocols {
namespace {

// ByteScan: the occurrences of one byte in [from, end), in order.
//
// memchr() finds one occurrence per call, and for lines of a few dozen bytes its set-up
// costs more than the search: this finds every occurrence in 64 bytes with a few SSE2
// instructions and hands them out from a bit mask, so that a short line costs a bit scan.
// It never reads outside [from, end): the last bytes (fewer than 64) go to memchr().
class ByteScan {
 public:
  ByteScan(const char* from, const char* end, char byte) : pos_(from), end_(end), byte_(byte) {}

  // next: the next occurrence, or nullptr when there is none left.
  const char* next() {
#if defined(__SSE2__)
    while (mask_ == 0) {
      if (end_ - pos_ < 64) return next_in_tail();
      const __m128i pattern = _mm_set1_epi8(byte_);
      auto bits = [&](int at) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pos_ + at));
        return static_cast<std::uint64_t>(
            static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, pattern))));
      };
      mask_ = bits(0) | bits(16) << 16 | bits(32) << 32 | bits(48) << 48;
      base_ = pos_;
      pos_ += 64;
    }
    const char* hit = base_ + __builtin_ctzll(mask_);
    mask_ &= mask_ - 1;
    return hit;
#else
    return next_in_tail();
#endif
  }

 private:
  const char* next_in_tail() {
    if (pos_ >= end_) return nullptr;
    const auto* hit = static_cast<const char*>(std::memchr(pos_, byte_, end_ - pos_));
    pos_ = hit == nullptr ? end_ : hit + 1;
    return hit;
  }

  const char* pos_;  // the first byte not yet looked at
  const char* end_;
  char byte_;
  const char* base_ = nullptr;  // where the bits of mask_ start
  std::uint64_t mask_ = 0;      // occurrences found and not yet handed out
};

}  // namespace

LineOnlyReceiver::LineOnlyReceiver(LineDelimiter delimiter, std::size_t max_length)
    : delimiter_(std::move(delimiter)), max_length_(max_length) {}

void LineOnlyReceiver::line_length_exceeded(std::string_view line) {
  (void)line;
  transport()->lose_connection();
}

void LineOnlyReceiver::send_line(std::string_view line) {
  const std::array<std::string_view, 2> pieces{line, delimiter_.sends()};
  transport()->write_sequence(pieces);
}

void LineOnlyReceiver::set_delimiter(LineDelimiter delimiter) {
  delimiter_ = std::move(delimiter);
  stop_discarding();
  reframe();
}

void LineOnlyReceiver::set_max_length(std::size_t max_length) {
  max_length_ = max_length;
  reframe();
}

void LineOnlyReceiver::consume(std::string_view input, std::size_t scanned) {
  consume_lines(input, scanned);
}

void LineOnlyReceiver::consume_lines(std::string_view input, std::size_t scanned) {
  const char* const begin = input.data();
  const char* const end = begin + input.size();
  const char* line = begin;  // where the current line starts

  if (discarding_) {
    const std::size_t past = delimiter_.find_end(discard_tail_, input);
    if (past == npos) {
      // Keep only the bytes a delimiter split across chunks could begin in.
      const std::size_t keep = delimiter_.ends().size() - 1;
      discard_tail_.append(input);
      if (discard_tail_.size() > keep) discard_tail_.erase(0, discard_tail_.size() - keep);
      mark_consumed(end);
      return;
    }
    stop_discarding();
    line = begin + past;
    mark_consumed(line);
    scanned = 0;
  }

  // Lines wholly in `input` are handed out in place. Search from the first byte that can
  // end a delimiter not already looked at. The common delimiters get a loop of their own.
  const std::size_t head = delimiter_.ends().size() - 1;
  const char* search = line + (scanned > head ? scanned - head : 0);
  const bool strip_cr = delimiter_.strips_cr();
  if (head == 0 && strip_cr) {
    line = deliver_lines<0, true>(line, search, end);
  } else if (head == 0) {
    line = deliver_lines<0, false>(line, search, end);
  } else if (head == 1 && !strip_cr) {
    line = deliver_lines<1, false>(line, search, end);
  } else {
    line = deliver_lines<dynamic_head, false>(line, search, end);
  }
  if (line == nullptr) return;  // interrupted

  // An incomplete line: carried until its end arrives, unless it is already too long.
  mark_consumed(line);
  const std::string_view partial(line, static_cast<std::size_t>(end - line));
  if (partial.size() > max_length_ && delimiter_.min_length(partial) > max_length_) {
    mark_consumed(end);
    discarding_ = true;
    discard_tail_.assign(partial.substr(partial.size() - std::min(head, partial.size())));
    line_length_exceeded(partial);
  }
}

template <std::size_t kHead, bool kStripCr>
const char* LineOnlyReceiver::deliver_lines(const char* line, const char* search, const char* end) {
  const std::string_view ends = delimiter_.ends();
  const std::size_t head = kHead == dynamic_head ? ends.size() - 1 : kHead;
  const char last = ends.back();
  const std::size_t max_length = max_length_;
  Transport* const transport = this->transport();
  ByteScan scan(search, end, last);
  while (const char* hit = scan.next()) {
    const char* next = hit + 1;
    if constexpr (kHead == 1) {
      if (hit == line || hit[-1] != ends.front()) continue;
    } else if constexpr (kHead != 0) {
      if (static_cast<std::size_t>(hit - line) < head ||
          std::memcmp(hit - head, ends.data(), head) != 0) {
        continue;
      }
    }
    const char* line_end = hit - head;
    if constexpr (kStripCr) {
      if (line_end > line && line_end[-1] == '\r') --line_end;
    }
    const auto length = static_cast<std::size_t>(line_end - line);
    mark_consumed(next);
    if (length <= max_length) [[likely]] {
      line_received(std::string_view(line, length));
    } else {
      line_length_exceeded(std::string_view(line, length));
    }
    // interrupted(), with the transport read once: it cannot change during a callback.
    if (interrupt_requested() || (transport != nullptr && transport->disconnecting())) {
      return nullptr;
    }
    line = next;
  }
  return line;
}

std::size_t LineOnlyReceiver::frame_end(std::string_view carried, std::string_view next) {
  // Enough bytes to end the carried line, or to show it is too long: once it holds
  // max_length() + the delimiter's size + 1 bytes with no delimiter, it is.
  const std::size_t enough = max_length_ + delimiter_.ends().size() + 1;
  const std::size_t cap = enough > carried.size() ? enough - carried.size() : 1;
  const std::string_view window = next.substr(0, cap);
  const std::size_t past = delimiter_.find_end(carried, window);
  return past == npos ? window.size() : past;
}

}  // namespace kit::protocols
