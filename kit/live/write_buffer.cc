#include "kit/live/write_buffer.h"

#include <algorithm>
#include <cstring>

namespace kit::live {
namespace {

// The first allocation: enough for a typical partial send without regrowing at once.
constexpr std::size_t min_capacity = 4096;

}  // namespace

void WriteBuffer::append(std::string_view bytes) {
  if (bytes.empty()) return;
  const std::size_t waiting = size();
  if (capacity_ - end_ < bytes.size()) {
    const std::size_t needed = waiting + bytes.size();
    if (needed <= capacity_ && begin_ >= waiting) {
      // The consumed front is at least as large as what is left: one short move frees
      // enough room, and the block never moves over itself.
      // Moving only when half is consumed keeps the cost amortized constant per byte.
      std::memcpy(data_.get(), data_.get() + begin_, waiting);
    } else {
      const std::size_t capacity = std::max({needed, 2 * capacity_, min_capacity});
      auto data = std::make_unique_for_overwrite<char[]>(capacity);
      if (waiting > 0) std::memcpy(data.get(), data_.get() + begin_, waiting);
      data_ = std::move(data);
      capacity_ = capacity;
    }
    begin_ = 0;
    end_ = waiting;
  }
  std::memcpy(data_.get() + end_, bytes.data(), bytes.size());
  end_ += bytes.size();
}

void WriteBuffer::consume(std::size_t n) noexcept {
  begin_ += std::min(n, size());
  if (begin_ == end_) clear();
}

void WriteBuffer::clear() noexcept {
  data_.reset();
  begin_ = end_ = capacity_ = 0;
}

}  // namespace kit::live
