// UploadSource: one file a PKUP/1 client sends, read without holding it whole in memory.
//
// A PUT declares the size and SHA-256 of the content before the body, so a source is
// read twice: prepare() reads it all once to hash it, then read() hands out the body in
// pieces as the connection can take them. Every answer comes back as a kit::Deferred on
// the reactor's thread, because the real source (FileUploadSource) does its blocking
// work on the connection's thread pool (the `pool` each call is given).
// MemoryUploadSource holds a string, for tests. A source may also answer at once, with a
// Deferred that has fired already.
//
// Failures are kit::Failures whose message names the source, so a client can pass them
// on as they are ("cannot open a.txt: No such file or directory").
//
// Thread safety: the reactor's thread. A source is read by one client at a time.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_SOURCE_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "kit/deferred.h"
#include "kit/thread_pool.h"

namespace kit::upload {

// SourceInfo: what a PUT declares.
struct SourceInfo {
  std::uint64_t size = 0;
  std::string sha256;  // 64 lowercase hex digits
  friend bool operator==(const SourceInfo&, const SourceInfo&) = default;
};

class UploadSource {
 public:
  virtual ~UploadSource() = default;

  // name: how messages name the source (a file's path as given).
  virtual const std::string& name() const noexcept = 0;

  // prepare: reads the whole content once and gives its size and hash. Called before
  // read(); calling it again starts over.
  virtual Deferred<SourceInfo> prepare(ThreadPool& pool) = 0;

  // read: exactly `max` bytes from `offset` of the content prepare() hashed, or a
  // failure (naming the source) when they cannot be read -- including content that has
  // become shorter since. One call at a time; offset + max <= the prepared size.
  virtual Deferred<std::string> read(ThreadPool& pool, std::uint64_t offset, std::size_t max) = 0;
};

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_SOURCE_H_
