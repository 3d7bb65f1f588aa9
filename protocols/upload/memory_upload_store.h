// MemoryUploadStore: an UploadStore that keeps its files in memory, for tests.
//
// It keeps the promises of upload_store.h, and like the real store answers through the
// pool it is given: every call submits a job (with one key per upload, so an upload's
// steps keep their order) and does its work when the job's result comes back, on the
// reactor's thread. On a FakeThreadPool nothing happens until the test runs the pool,
// so a test sees the protocol waiting for its store (and back-pressure) as it would on
// a slow disk.
//
// A test can also plant what a real file system may hold or do: a symbolic link that
// leads out of the root (add_outside_link), a full disk (set_capacity), or a failure of
// the next call of a kind (fail_next).
//
// The store must outlive its writers and every call in flight.
//
// Thread safety: the reactor's (test's) thread.
#ifndef KIT_PROTOCOLS_UPLOAD_MEMORY_UPLOAD_STORE_H_
#define KIT_PROTOCOLS_UPLOAD_MEMORY_UPLOAD_STORE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "kit/failure.h"
#include "protocols/upload/upload_store.h"

namespace kit::upload {

class MemoryUploadStore final : public UploadStore {
 public:
  enum class Operation { begin, append, finish, stat };

  MemoryUploadStore() = default;
  MemoryUploadStore(const MemoryUploadStore&) = delete;
  MemoryUploadStore& operator=(const MemoryUploadStore&) = delete;

  Deferred<std::unique_ptr<UploadWriter>> begin(ThreadPool& pool, const UploadPath& path,
                                                bool overwrite) override;
  Deferred<std::optional<StoredFile>> stat(ThreadPool& pool, const UploadPath& path) override;

  // ---- for tests

  // files: every stored file, by path.
  const std::map<std::string, std::string>& files() const noexcept { return files_; }
  // put: stores `content` at `path` at once (a file that was there before the test).
  void put(std::string path, std::string content) { files_[std::move(path)] = std::move(content); }
  // temporaries: uploads begun and neither finished nor dropped (the real store's
  // `.pkup-*` files).
  std::size_t temporaries() const noexcept { return temporaries_.size(); }
  // buffered: bytes held by those uploads.
  std::size_t buffered() const noexcept;

  // add_outside_link: `path` (a directory or a file) is a symbolic link leading out of
  // the root: paths through it, or naming it, are refused.
  void add_outside_link(std::string path) { outside_links_.insert(std::move(path)); }
  // set_capacity: the most bytes all files and temporaries may hold; beyond it an append
  // fails with upload_errc::no_space.
  void set_capacity(std::size_t bytes) noexcept { capacity_ = bytes; }
  // fail_next: the next call of `operation` fails with `failure`.
  void fail_next(Operation operation, Failure failure);

 private:
  struct Upload;
  class Writer;

  // refusal: why `path` cannot be stored or read (a link out of the root, a parent that
  // is a file, a directory at the path), if it cannot.
  std::optional<Failure> refusal(const UploadPath& path, bool for_stat) const;
  bool is_directory(const std::string& path) const;
  std::size_t used() const noexcept;
  std::optional<Failure> take_failure(Operation operation);

  std::map<std::string, std::string> files_;
  std::set<std::string> outside_links_;
  std::map<std::uint64_t, Upload*> temporaries_;
  std::optional<std::size_t> capacity_;
  std::map<Operation, Failure> fail_next_;
  std::uint64_t next_id_ = 1;
};

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_MEMORY_UPLOAD_STORE_H_
