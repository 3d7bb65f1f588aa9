// MemoryUploadSource: an UploadSource holding its content in a string, for tests.
//
// Like FileUploadSource it answers through the pool it is given -- each call submits a
// job and its Deferred fires when the job's result comes back -- so on a FakeThreadPool
// a test sees the client waiting for its source as it would on a slow disk. A test can
// also make the next read fail (fail_next_read), as a disk may.
//
// Thread safety: the reactor's (test's) thread.
#ifndef KIT_PROTOCOLS_UPLOAD_MEMORY_UPLOAD_SOURCE_H_
#define KIT_PROTOCOLS_UPLOAD_MEMORY_UPLOAD_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "kit/failure.h"
#include "protocols/upload/upload_source.h"

namespace kit::upload {

class MemoryUploadSource final : public UploadSource {
 public:
  MemoryUploadSource(std::string name, std::string content);

  const std::string& name() const noexcept override { return name_; }
  Deferred<SourceInfo> prepare(ThreadPool& pool) override;
  Deferred<std::string> read(ThreadPool& pool, std::uint64_t offset, std::size_t max) override;

  // ---- for tests

  // fail_next_read: the next read() fails with `failure`.
  void fail_next_read(Failure failure) { fail_next_read_ = std::move(failure); }
  // reads: how many read() calls were made.
  std::size_t reads() const noexcept { return reads_; }
  // largest_read: the most bytes one read() asked for.
  std::size_t largest_read() const noexcept { return largest_read_; }

 private:
  std::string name_;
  // Shared with the pool's jobs, which may outlive the source.
  std::shared_ptr<const std::string> content_;
  std::optional<Failure> fail_next_read_;
  std::size_t reads_ = 0;
  std::size_t largest_read_ = 0;
};

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_MEMORY_UPLOAD_SOURCE_H_
