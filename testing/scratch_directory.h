// ScratchDirectory: a fresh directory for one test's files, under $TEST_TMPDIR (the test's
// own directory under Bazel) or else /tmp, removed with everything in it when the test
// ends. read_file and write_file are the two file operations such tests keep writing.
//
// Fresh (mkdtemp) because tests and their cases run in parallel. For Unix socket paths,
// which must fit in 108 bytes, use testing/live/socket_directory.h instead.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_SCRATCH_DIRECTORY_H_
#define KIT_TESTING_SCRATCH_DIRECTORY_H_

#include <filesystem>
#include <string>
#include <string_view>

namespace kit::testing {

class ScratchDirectory {
 public:
  // Throws std::system_error when the directory cannot be made.
  explicit ScratchDirectory(std::string_view prefix = "scratch");
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// read_file: the whole content of `path`, binary; throws std::system_error when it
// cannot be opened.
std::string read_file(const std::filesystem::path& path);

// write_file: `content` as the whole of `path`, its missing parent directories created.
void write_file(const std::filesystem::path& path, std::string_view content);

}  // namespace kit::testing

#endif  // KIT_TESTING_SCRATCH_DIRECTORY_H_
