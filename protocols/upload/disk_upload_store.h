// DiskUploadStore: the UploadStore `protokit serve upload` uses: files under a root
// directory, crash-safe, with every blocking call on the connection's thread pool.
//
// An upload is written to a temporary file `.pkup-<pid>-<n>` in its destination
// directory (missing parents are created), hashed as the bytes arrive; finish() compares
// the hash, then fsyncs the file, renames it over the final path and fsyncs the
// directory, so a file appears at its path whole or not at all. A mismatch, a failure, or
// a writer dropped early removes the temporary file and leaves the old file as it was.
//
// Paths are resolved from the root's descriptor with openat2(RESOLVE_BENEATH): a
// symbolic link may point anywhere inside the root, and one leading out (in a parent or
// as the final component) is refused (upload_errc::path_refused), with no window between
// the check and the use. On kernels without openat2 no symbolic link is followed.
// ENOSPC fails with upload_errc::no_space (507); other errors fail with a
// std::system_error naming the step and the path (500).
//
// The constructor (blocking: call it before serving) creates the root if missing and
// removes stale `.pkup-*` files anywhere under it (left by a server killed outright).
//
// Thread safety: begin() and stat() on the reactor's thread; the work runs on the pool
// given. The store must outlive its writers and the calls in flight.
#ifndef KIT_PROTOCOLS_UPLOAD_DISK_UPLOAD_STORE_H_
#define KIT_PROTOCOLS_UPLOAD_DISK_UPLOAD_STORE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "protocols/upload/upload_store.h"

namespace kit::upload {

class DiskUploadStore final : public UploadStore {
 public:
  // Opens (creating if missing) `root` and removes stale temporary files under it.
  // Throws std::system_error when the root cannot be opened.
  explicit DiskUploadStore(std::string root);
  ~DiskUploadStore() override;
  DiskUploadStore(const DiskUploadStore&) = delete;
  DiskUploadStore& operator=(const DiskUploadStore&) = delete;

  Deferred<std::unique_ptr<UploadWriter>> begin(ThreadPool& pool, const UploadPath& path,
                                                bool overwrite) override;
  Deferred<std::optional<StoredFile>> stat(ThreadPool& pool, const UploadPath& path) override;

  const std::string& root() const noexcept { return root_; }
  // stale_removed: how many stale temporary files the constructor removed.
  std::size_t stale_removed() const noexcept { return stale_removed_; }

 private:
  class Writer;

  std::string root_;
  int root_fd_ = -1;
  std::size_t stale_removed_ = 0;
  std::atomic<std::uint64_t> next_id_{1};
};

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_DISK_UPLOAD_STORE_H_
