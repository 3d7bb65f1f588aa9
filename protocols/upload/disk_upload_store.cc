#include "protocols/upload/disk_upload_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "kit/defer_to_thread.h"
#include "kit/failure.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_error.h"

namespace kit::upload {
namespace {

// A file descriptor closed when it goes.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

[[noreturn]] void fail(int error, const std::string& what) {
  if (error == ENOSPC || error == EDQUOT) {
    throw FailureError(Failure(upload_errc::no_space, what));
  }
  throw std::system_error(error, std::generic_category(), what);
}

[[noreturn]] void refuse(const char* reason) {
  throw FailureError(Failure(upload_errc::path_refused, reason));
}

// Opens `path` (relative) beneath `root`, symbolic links allowed only inside it. -1 with
// errno on failure; EXDEV or ELOOP when a link leads out.
int open_beneath(int root, const std::string& path, int flags) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how);
  if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
  // No openat2: walk the components, following no link at all.
  Fd dir(::dup(root));
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? slash : slash - start);
    const bool last = slash == std::string::npos;
    const int next = ::openat(dir.get(), part.c_str(),
                              (last ? flags : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) return -1;
    if (last) return next;
    dir = Fd(next);
    start = slash + 1;
  }
}

bool leads_out(int error) { return error == EXDEV || error == ELOOP; }

// The directory that holds `path`'s last component, created (with its parents) if
// missing.
Fd open_parent(int root, const UploadPath& path) {
  Fd dir(::dup(root));
  if (!dir) fail(errno, "dup root");
  std::string prefix;
  const auto& parts = path.components();
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!prefix.empty()) prefix += '/';
    prefix += parts[i];
    int fd = open_beneath(root, prefix, O_RDONLY | O_DIRECTORY);
    if (fd < 0 && errno == ENOENT) {
      if (::mkdirat(dir.get(), parts[i].c_str(), 0755) != 0 && errno != EEXIST) {
        fail(errno, "cannot create directory " + prefix);
      }
      fd = open_beneath(root, prefix, O_RDONLY | O_DIRECTORY);
    }
    if (fd < 0) {
      if (leads_out(errno)) refuse("path leads out of the root");
      if (errno == ENOTDIR) refuse("a parent of the path is a file");
      fail(errno, "cannot open directory " + prefix);
    }
    dir = Fd(fd);
  }
  return dir;
}

// Checks the final component in `dir`: refuses a directory or a link leading out;
// returns whether a file is there.
bool check_final(int root, int dir, const UploadPath& path) {
  struct stat st {};
  const std::string& name = path.components().back();
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return false;
    fail(errno, "cannot stat " + path.str());
  }
  if (S_ISDIR(st.st_mode)) refuse("path is a directory");
  if (S_ISLNK(st.st_mode)) {
    const int fd = open_beneath(root, path.str(), O_PATH);
    if (fd < 0 && leads_out(errno)) refuse("path leads out of the root");
    if (fd >= 0) ::close(fd);
  }
  return true;
}

void remove_stale(int dir_fd, std::size_t& removed) {
  const int fd = ::dup(dir_fd);
  if (fd < 0) return;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return;
  }
  std::vector<std::string> subdirs;
  std::vector<std::string> stale;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      subdirs.emplace_back(name);
    } else if (S_ISREG(st.st_mode) && name.substr(0, UploadPath::temporary_prefix.size()) ==
                                          UploadPath::temporary_prefix) {
      stale.emplace_back(name);
    }
  }
  ::closedir(dir);
  for (const std::string& name : stale) {
    if (::unlinkat(dir_fd, name.c_str(), 0) == 0) ++removed;
  }
  for (const std::string& name : subdirs) {
    Fd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (sub) remove_stale(sub.get(), removed);
  }
}

// What an upload's pool jobs share. Two strands of jobs touch it, each one job at a time:
// the hash strand touches `hash` alone, the file strand everything else. They run side
// by side (hashing and writing each take a core's worth at a few GB/s), and finishing
// waits for both.
struct DiskUpload {
  std::string path;
  std::string name;
  std::string temp_name;
  bool overwrite = true;
  Fd dir;
  Fd file;
  Sha256 hash;
  std::optional<Failure> failed;
  bool over = false;

  // The last job of an upload may never run: a pool destroyed with work queued (a server
  // stopping right after its connections were cut) destroys that work unrun. Whatever
  // goes last, the temporary file goes with it.
  ~DiskUpload() { drop(); }

  void drop() noexcept {
    if (over) return;
    over = true;
    file.reset();
    if (dir) ::unlinkat(dir.get(), temp_name.c_str(), 0);
  }
};

}  // namespace

class DiskUploadStore::Writer final : public UploadWriter {
 public:
  Writer(ThreadPool& pool, std::shared_ptr<DiskUpload> upload, std::string key)
      : pool_(pool), upload_(std::move(upload)), key_(std::move(key)), hash_key_(key_ + "#hash") {}

  ~Writer() override {
    if (finish_called_) return;
    // After the appends in flight (same key), remove the temporary file.
    pool_.submit(
        key_, [upload = upload_] { upload->drop(); }, nullptr);
  }

  Deferred<void> append(std::string bytes) override {
    auto shared = std::make_shared<const std::string>(std::move(bytes));
    Deferred<void> hashed = defer_to_thread(
        pool_, hash_key_, [upload = upload_, shared] { upload->hash.update(*shared); });
    return defer_to_thread(pool_, key_,
                           [upload = upload_, shared] {
                             DiskUpload& u = *upload;
                             if (u.failed) u.failed->rethrow();
                             try {
                               std::string_view rest = *shared;
                               while (!rest.empty()) {
                                 const ssize_t n = ::write(u.file.get(), rest.data(), rest.size());
                                 if (n < 0) {
                                   if (errno == EINTR) continue;
                                   fail(errno, "cannot write " + u.path);
                                 }
                                 rest.remove_prefix(static_cast<std::size_t>(n));
                               }
                             } catch (...) {
                               u.failed = Failure::current_exception();
                               u.drop();
                               throw;
                             }
                           })
        // Done when hashed too, so the bytes held stay bounded by what the server counts.
        .add_callback([hashed = std::move(hashed)]() mutable { return std::move(hashed); });
  }

  Deferred<Finished> finish(std::string expected_sha256) override {
    finish_called_ = true;
    // The hash strand's last job gives the digest, after every append's bytes; then the
    // file strand commits, after every append's write.
    return defer_to_thread(pool_, hash_key_,
                           [upload = upload_] { return upload->hash.finish_hex(); })
        .add_callback([pool = &pool_, key = key_, upload = upload_,
                       expected = std::move(expected_sha256)](std::string actual) {
          return defer_to_thread(*pool, key, [upload, expected, actual = std::move(actual)] {
            return commit(*upload, expected, actual);
          });
        });
  }

 private:
  static Finished commit(DiskUpload& u, const std::string& expected, const std::string& actual) {
    if (u.failed) u.failed->rethrow();
    try {
      Finished finished{false, actual};
      if (finished.sha256 != expected) {
        u.drop();
        return finished;
      }
      if (::fsync(u.file.get()) != 0) fail(errno, "cannot fsync " + u.path);
      u.file.reset();
      if (u.overwrite) {
        if (::renameat(u.dir.get(), u.temp_name.c_str(), u.dir.get(), u.name.c_str()) != 0) {
          fail(errno, "cannot rename into " + u.path);
        }
      } else if (::renameat2(u.dir.get(), u.temp_name.c_str(), u.dir.get(), u.name.c_str(),
                             RENAME_NOREPLACE) != 0) {
        if (errno == EEXIST) throw FailureError(Failure(upload_errc::exists, "exists"));
        fail(errno, "cannot rename into " + u.path);
      }
      u.over = true;  // the temporary file is the final one now
      if (::fsync(u.dir.get()) != 0) fail(errno, "cannot fsync the directory of " + u.path);
      finished.committed = true;
      return finished;
    } catch (...) {
      u.failed = Failure::current_exception();
      u.drop();
      throw;
    }
  }

  ThreadPool& pool_;
  std::shared_ptr<DiskUpload> upload_;
  std::string key_;
  std::string hash_key_;
  bool finish_called_ = false;
};

DiskUploadStore::DiskUploadStore(std::string root) : root_(std::move(root)) {
  // Create the root and its parents if missing.
  for (std::size_t slash = root_.find('/', 1);; slash = root_.find('/', slash + 1)) {
    const std::string prefix = root_.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      throw std::system_error(errno, std::generic_category(), "cannot create " + prefix);
    }
    if (slash == std::string::npos) break;
  }
  root_fd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open root " + root_);
  }
  remove_stale(root_fd_, stale_removed_);
}

DiskUploadStore::~DiskUploadStore() {
  if (root_fd_ >= 0) ::close(root_fd_);
}

Deferred<std::unique_ptr<UploadWriter>> DiskUploadStore::begin(ThreadPool& pool,
                                                               const UploadPath& path,
                                                               bool overwrite) {
  const std::uint64_t id = next_id_++;
  std::string key = "disk-upload-" + std::to_string(id);
  auto work = [root = root_fd_, path, overwrite, id] {
    auto upload = std::make_shared<DiskUpload>();
    upload->path = path.str();
    upload->name = path.components().back();
    upload->overwrite = overwrite;
    upload->dir = open_parent(root, path);
    if (check_final(root, upload->dir.get(), path) && !overwrite) {
      throw FailureError(Failure(upload_errc::exists, "exists"));
    }
    for (int attempt = 0;; ++attempt) {
      upload->temp_name = std::string(UploadPath::temporary_prefix) + std::to_string(::getpid()) +
                          "-" + std::to_string(id) + (attempt ? "-" + std::to_string(attempt) : "");
      const int fd = ::openat(upload->dir.get(), upload->temp_name.c_str(),
                              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd >= 0) {
        upload->file = Fd(fd);
        break;
      }
      if (errno != EEXIST || attempt > 100) fail(errno, "cannot create a file for " + path.str());
    }
    return upload;
  };
  return defer_to_thread(pool, key, std::move(work))
      .add_callback([&pool, key](std::shared_ptr<DiskUpload> upload) {
        return std::unique_ptr<UploadWriter>(
            std::make_unique<Writer>(pool, std::move(upload), key));
      });
}

Deferred<std::optional<StoredFile>> DiskUploadStore::stat(ThreadPool& pool,
                                                          const UploadPath& path) {
  return defer_to_thread(pool, path.str(), [root = root_fd_, path]() -> std::optional<StoredFile> {
    Fd fd(open_beneath(root, path.str(), O_RDONLY | O_NONBLOCK));
    if (!fd) {
      if (leads_out(errno)) refuse("path leads out of the root");
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      fail(errno, "cannot open " + path.str());
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail(errno, "cannot stat " + path.str());
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    Sha256 hash;
    std::string buffer(1 << 16, '\0');
    std::uint64_t size = 0;
    for (;;) {
      const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(errno, "cannot read " + path.str());
      }
      if (n == 0) break;
      hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      size += static_cast<std::uint64_t>(n);
    }
    return StoredFile{size, hash.finish_hex()};
  });
}

}  // namespace kit::upload
