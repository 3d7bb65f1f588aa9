// FileUploadSource: an UploadSource reading a regular file, off the reactor's thread.
//
// prepare() opens the file, checks that it is a regular file (a directory, FIFO or
// device is refused, without blocking on a FIFO's open), and hashes it in pieces of
// piece_size; read() reads the body back from the same open file with pread(). Every
// open, fstat and read runs through kit::defer_to_thread on the pool each call is
// given, with the path as the job key, so the reactor never blocks on the disk and the
// steps of one file keep their order. The file stays open from prepare() until the
// source is destroyed (or prepare() is called again); a job still running then keeps
// it open until it ends.
//
// Failures are system errors with a message naming the path:
//   "cannot open a.txt: No such file or directory", "cannot upload d: Is a directory",
//   "cannot read a.txt: Input/output error", and for a file cut short after it was
//   hashed "a.txt is shorter than when it was hashed (changed while being sent)".
//
// Thread safety: the reactor's thread.
#ifndef KIT_PROTOCOLS_UPLOAD_FILE_UPLOAD_SOURCE_H_
#define KIT_PROTOCOLS_UPLOAD_FILE_UPLOAD_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "protocols/upload/upload_source.h"

namespace kit::upload {

class FileUploadSource final : public UploadSource {
 public:
  // piece_size: how much prepare() reads at a time to hash the file.
  static constexpr std::size_t piece_size = 64 * 1024;

  explicit FileUploadSource(std::string path);
  ~FileUploadSource() override;
  FileUploadSource(const FileUploadSource&) = delete;
  FileUploadSource& operator=(const FileUploadSource&) = delete;

  const std::string& name() const noexcept override { return path_; }
  Deferred<SourceInfo> prepare(ThreadPool& pool) override;
  Deferred<std::string> read(ThreadPool& pool, std::uint64_t offset, std::size_t max) override;

 private:
  struct File;

  std::string path_;
  // The open file, shared with the pool's jobs; empty before prepare() has succeeded. The
  // slot is shared so that a prepare() finishing after the source is gone finds it gone.
  std::shared_ptr<std::shared_ptr<File>> opened_;
};

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_FILE_UPLOAD_SOURCE_H_
