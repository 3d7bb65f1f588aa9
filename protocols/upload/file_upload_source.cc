#include "protocols/upload/file_upload_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "kit/defer_to_thread.h"
#include "kit/failure.h"
#include "protocols/upload/sha256.h"

namespace kit::upload {
namespace {

[[noreturn]] void throw_errno(int error, std::string what) {
  throw FailureError(Failure(std::error_code(error, std::generic_category()), std::move(what)));
}

}  // namespace

// The descriptor, closed when the last holder (the source or a running job) lets go.
struct FileUploadSource::File {
  int fd = -1;
  explicit File(int fd) noexcept : fd(fd) {}
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (fd >= 0) ::close(fd);
  }
};

FileUploadSource::FileUploadSource(std::string path) : path_(std::move(path)) {}

FileUploadSource::~FileUploadSource() = default;

Deferred<SourceInfo> FileUploadSource::prepare(ThreadPool& pool) {
  opened_ = std::make_shared<std::shared_ptr<File>>();
  struct Prepared {
    std::shared_ptr<File> file;
    SourceInfo info;
  };
  return defer_to_thread(
             pool, path_,
             [path = path_] {
               // O_NONBLOCK: opening a FIFO must not wait for a writer; it is
               // refused below, and a regular file ignores the flag.
               const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
               if (fd < 0) throw_errno(errno, "cannot open " + path);
               auto file = std::make_shared<File>(fd);
               struct stat st {};
               if (::fstat(fd, &st) != 0) throw_errno(errno, "cannot stat " + path);
               if (S_ISDIR(st.st_mode)) throw_errno(EISDIR, "cannot read " + path);
               if (!S_ISREG(st.st_mode)) {
                 // A FIFO or a device has no size to declare before the body.
                 throw_errno(EOPNOTSUPP, "cannot read " + path + " (not a regular file)");
               }
               Sha256 hash;
               std::string piece(piece_size, '\0');
               std::uint64_t size = 0;
               for (;;) {
                 const ssize_t n =
                     ::pread(fd, piece.data(), piece.size(), static_cast<off_t>(size));
                 if (n < 0) {
                   if (errno == EINTR) continue;
                   throw_errno(errno, "cannot read " + path);
                 }
                 if (n == 0) break;
                 hash.update(std::string_view(piece.data(), static_cast<std::size_t>(n)));
                 size += static_cast<std::uint64_t>(n);
               }
               return Prepared{std::move(file), SourceInfo{size, hash.finish_hex()}};
             })
      .add_callback([opened = std::weak_ptr<std::shared_ptr<File>>(opened_)](Prepared prepared) {
        // The source may be gone by now; then the file closes with `prepared`.
        if (auto slot = opened.lock()) *slot = std::move(prepared.file);
        return std::move(prepared.info);
      });
}

Deferred<std::string> FileUploadSource::read(ThreadPool& pool, std::uint64_t offset,
                                             std::size_t max) {
  std::shared_ptr<File> file = opened_ ? *opened_ : nullptr;
  if (!file) {
    return kit::fail<std::string>(Failure(std::make_error_code(std::errc::bad_file_descriptor),
                                          "cannot read " + path_ + ": not prepared"));
  }
  return defer_to_thread(pool, path_, [file = std::move(file), path = path_, offset, max] {
    std::string bytes(max, '\0');
    std::size_t got = 0;
    while (got < max) {
      const ssize_t n =
          ::pread(file->fd, bytes.data() + got, max - got, static_cast<off_t>(offset + got));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno(errno, "cannot read " + path);
      }
      if (n == 0) {
        throw FailureError(Failure(std::make_error_code(std::errc::io_error),
                                   path + " is shorter than when it was hashed (changed while "
                                          "being sent)"));
      }
      got += static_cast<std::size_t>(n);
    }
    return bytes;
  });
}

}  // namespace kit::upload
