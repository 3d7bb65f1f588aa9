#include "protocols/upload/memory_upload_source.h"

#include <algorithm>
#include <utility>

#include "kit/defer_to_thread.h"
#include "protocols/upload/sha256.h"

namespace kit::upload {

MemoryUploadSource::MemoryUploadSource(std::string name, std::string content)
    : name_(std::move(name)), content_(std::make_shared<const std::string>(std::move(content))) {}

Deferred<SourceInfo> MemoryUploadSource::prepare(ThreadPool& pool) {
  return defer_to_thread(pool, name_, [content = content_] {
    return SourceInfo{content->size(), sha256_hex(*content)};
  });
}

Deferred<std::string> MemoryUploadSource::read(ThreadPool& pool, std::uint64_t offset,
                                               std::size_t max) {
  ++reads_;
  largest_read_ = std::max(largest_read_, max);
  std::optional<Failure> failure = std::exchange(fail_next_read_, std::nullopt);
  return defer_to_thread(
      pool, name_,
      [content = content_, offset, max, failure = std::move(failure),
       name = name_]() -> std::string {
        if (failure) throw FailureError(*failure);
        if (offset > content->size() || content->size() - offset < max) {
          throw FailureError(Failure(std::make_error_code(std::errc::invalid_argument),
                                     "reading " + name + ": past the end of the content"));
        }
        return content->substr(static_cast<std::size_t>(offset), max);
      });
}

}  // namespace kit::upload
