// UploadStore: where a PKUP/1 server keeps the files it receives.
//
// The server protocol makes no file system call of its own: it asks a store, and every
// answer comes back later, as a kit::Deferred on the reactor's thread, because the real
// store (DiskUploadStore) does its blocking work on the connection's thread pool (the
// `pool` each call is given, reached through the transport's context). MemoryUploadStore
// keeps files in memory, for tests.
//
// An upload is begun at a checked path (begin), fed its bytes in order (append), and
// finished with the hash the client declared (finish): the store hashes the bytes as
// they arrive and, when the hash matches, makes the file appear at its path whole
// (committed), or else drops it, keeping whatever was there before. Until finish()
// succeeds nothing is visible at the path; an UploadWriter destroyed before finish()
// drops its bytes.
//
// Failures are kit::Failures; upload_errc (upload_error.h) names the ones with a PKUP/1
// answer of their own (403, 409, 507); any other means 500.
//
// Thread safety: the reactor's thread. A store may serve many connections at once.
#ifndef KIT_PROTOCOLS_UPLOAD_UPLOAD_STORE_H_
#define KIT_PROTOCOLS_UPLOAD_UPLOAD_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "kit/deferred.h"
#include "kit/thread_pool.h"
#include "protocols/upload/upload_path.h"

namespace kit::upload {

// StoredFile: what STAT answers.
struct StoredFile {
  std::uint64_t size = 0;
  std::string sha256;  // 64 lowercase hex digits
  friend bool operator==(const StoredFile&, const StoredFile&) = default;
};

// Finished: how an upload ended. `committed` false: the hash differed and the bytes were
// dropped. `sha256` is the hash of the bytes received, either way.
struct Finished {
  bool committed = false;
  std::string sha256;
};

class UploadWriter {
 public:
  // Destroying a writer before finish() drops the upload (its temporary file goes).
  virtual ~UploadWriter() = default;

  // append: `bytes` go after those appended before. Appends may be made before earlier
  // ones have finished; they are carried out in order. After one fails, the later ones
  // and finish() fail with the same failure, and the upload is dropped.
  virtual Deferred<void> append(std::string bytes) = 0;

  // finish: after every append: compares the hash of the bytes with `expected_sha256`;
  // on a match the file is stored durably at the path (replacing a file there, unless
  // the store was asked not to), else dropped. Called once.
  virtual Deferred<Finished> finish(std::string expected_sha256) = 0;
};

class UploadStore {
 public:
  virtual ~UploadStore() = default;

  // begin: starts an upload to `path`. Fails with upload_errc::exists when a file is
  // there and `overwrite` is false, upload_errc::path_refused when the path leads out of
  // the root (a symbolic link) or cannot be a file (a parent is a file, the path is a
  // directory). Missing parent directories are created.
  virtual Deferred<std::unique_ptr<UploadWriter>> begin(ThreadPool& pool, const UploadPath& path,
                                                        bool overwrite) = 0;

  // stat: the file at `path`, or nullopt when there is none (a directory is none).
  // Fails with upload_errc::path_refused as begin() does.
  virtual Deferred<std::optional<StoredFile>> stat(ThreadPool& pool, const UploadPath& path) = 0;
};

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_UPLOAD_STORE_H_
