// WriteBuffer: the bytes a live transport could not hand to the kernel yet.
//
// One contiguous block, so a flush is one send() of one span. It holds nothing (no
// allocation at all) while empty, which is the common case: a transport sends straight
// from write() and buffers only what the kernel did not take. Consumed bytes are
// reclaimed by moving the rest to the front when that is cheaper than growing.
//
// Thread safety: one thread (the reactor's).
#ifndef KIT_LIVE_WRITE_BUFFER_H_
#define KIT_LIVE_WRITE_BUFFER_H_

#include <cstddef>
#include <memory>
#include <string_view>

namespace kit::live {

class WriteBuffer {
 public:
  WriteBuffer() = default;
  WriteBuffer(const WriteBuffer&) = delete;
  WriteBuffer& operator=(const WriteBuffer&) = delete;

  bool empty() const noexcept { return begin_ == end_; }
  std::size_t size() const noexcept { return end_ - begin_; }
  // capacity: bytes allocated (0 while empty).
  std::size_t capacity() const noexcept { return capacity_; }

  // pending: the bytes waiting, oldest first.
  std::string_view pending() const noexcept { return {data_.get() + begin_, end_ - begin_}; }

  // append: adds `bytes` after what is waiting.
  void append(std::string_view bytes);

  // consume: drops the first `n` bytes (n <= size()); frees the storage once empty.
  void consume(std::size_t n) noexcept;

  // clear: drops everything and frees the storage.
  void clear() noexcept;

 private:
  std::unique_ptr<char[]> data_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace kit::live

#endif  // KIT_LIVE_WRITE_BUFFER_H_
