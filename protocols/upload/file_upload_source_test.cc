// FileUploadSource on files in a fresh directory under TEST_TMPDIR, its blocking work run
// by a FakeThreadPool; MemoryUploadSource's promises alongside.
#include "protocols/upload/file_upload_source.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "fakes/fake_thread_pool.h"
#include "protocols/upload/memory_upload_source.h"
#include "protocols/upload/sha256.h"
#include "testing/deferred_assertions.h"
#include "testing/scratch_directory.h"

namespace kit::upload {
namespace {

namespace fs = std::filesystem;
using kit::testing::assert_no_result;
using kit::testing::failure_result_of;
using kit::testing::read_file;
using kit::testing::ScratchDirectory;
using kit::testing::success_result_of;
using kit::testing::write_file;

class FileUploadSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = scratch_.path(); }

  std::string path(const char* name) const { return (dir_ / name).string(); }

  template <typename T>
  Deferred<T> run(Deferred<T> d) {
    pool_.run_all();
    return d;
  }

  ScratchDirectory scratch_{"file-source"};
  fs::path dir_;
  fakes::FakeThreadPool pool_;
};

TEST_F(FileUploadSourceTest, PrepareGivesSizeAndHashAndReadGivesTheBytes) {
  std::string content;
  for (int i = 0; i < 200 * 1024; ++i) content += static_cast<char>(i * 7 % 251);
  write_file(path("f"), content);
  FileUploadSource source(path("f"));
  EXPECT_EQ(source.name(), path("f"));
  Deferred<SourceInfo> prepared = source.prepare(pool_);
  assert_no_result(prepared);  // the work waits for the pool: nothing on the caller's thread
  EXPECT_EQ(pool_.pending_keys(), std::vector<std::string>{path("f")});
  pool_.run_all();
  EXPECT_EQ(success_result_of(prepared), (SourceInfo{content.size(), sha256_hex(content)}));
  EXPECT_EQ(success_result_of(run(source.read(pool_, 0, 10))), content.substr(0, 10));
  EXPECT_EQ(success_result_of(run(source.read(pool_, 70000, 65536))), content.substr(70000, 65536));
  EXPECT_EQ(success_result_of(run(source.read(pool_, content.size() - 3, 3))),
            content.substr(content.size() - 3));
  EXPECT_EQ(success_result_of(run(source.read(pool_, content.size(), 0))), "");
}

TEST_F(FileUploadSourceTest, EmptyFile) {
  write_file(path("empty"), "");
  FileUploadSource source(path("empty"));
  EXPECT_EQ(success_result_of(run(source.prepare(pool_))), (SourceInfo{0, sha256_hex("")}));
}

TEST_F(FileUploadSourceTest, MissingFileNamesIt) {
  FileUploadSource source(path("missing"));
  const Failure failure = failure_result_of(run(source.prepare(pool_)));
  EXPECT_EQ(failure.what(), "cannot open " + path("missing") + ": No such file or directory");
  EXPECT_TRUE(failure.is(std::errc::no_such_file_or_directory));
}

TEST_F(FileUploadSourceTest, DirectoryIsRefused) {
  fs::create_directory(dir_ / "d");
  FileUploadSource source(path("d"));
  const Failure failure = failure_result_of(run(source.prepare(pool_)));
  EXPECT_EQ(failure.what(), "cannot read " + path("d") + ": Is a directory");
}

TEST_F(FileUploadSourceTest, FifoIsRefusedWithoutWaitingForAWriter) {
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
  FileUploadSource source(path("fifo"));
  const Failure failure = failure_result_of(run(source.prepare(pool_)));
  EXPECT_EQ(failure.what(), "cannot read " + path("fifo") + " (not a regular file): " +
                                std::generic_category().message(EOPNOTSUPP));
}

TEST_F(FileUploadSourceTest, UnreadableFileNamesIt) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  write_file(path("secret"), "x");
  fs::permissions(dir_ / "secret", fs::perms::none);
  FileUploadSource source(path("secret"));
  EXPECT_EQ(failure_result_of(run(source.prepare(pool_))).what(),
            "cannot open " + path("secret") + ": Permission denied");
}

TEST_F(FileUploadSourceTest, FileCutShortAfterHashingIsAReadErrorNamingIt) {
  write_file(path("f"), std::string(1000, 'a'));
  FileUploadSource source(path("f"));
  (void)success_result_of(run(source.prepare(pool_)));
  fs::resize_file(dir_ / "f", 500);
  EXPECT_EQ(success_result_of(run(source.read(pool_, 0, 500))), std::string(500, 'a'));
  const Failure failure = failure_result_of(run(source.read(pool_, 400, 200)));
  EXPECT_EQ(failure.what(), path("f") +
                                " is shorter than when it was hashed (changed while being sent): " +
                                std::make_error_code(std::errc::io_error).message());
}

TEST_F(FileUploadSourceTest, ReadsTheFileItOpenedEvenIfThePathIsReplaced) {
  write_file(path("f"), "original");
  FileUploadSource source(path("f"));
  (void)success_result_of(run(source.prepare(pool_)));
  fs::remove(dir_ / "f");
  write_file(path("f"), "replaced");
  EXPECT_EQ(success_result_of(run(source.read(pool_, 0, 8))), "original");
}

TEST_F(FileUploadSourceTest, ReadBeforePrepareFails) {
  write_file(path("f"), "x");
  FileUploadSource source(path("f"));
  EXPECT_THAT(failure_result_of(source.read(pool_, 0, 1)).what(),
              ::testing::HasSubstr("cannot read " + path("f") + ": not prepared"));
}

TEST_F(FileUploadSourceTest, SourceGoneBeforeItsWorkEnds) {
  write_file(path("f"), "abc");
  auto source = std::make_unique<FileUploadSource>(path("f"));
  Deferred<SourceInfo> prepared = source->prepare(pool_);
  source.reset();
  pool_.run_all();  // the job finishes; its file closes with it
  EXPECT_EQ(success_result_of(prepared).size, 3u);
}

// ---- MemoryUploadSource

TEST(MemoryUploadSource, AnswersThroughThePool) {
  fakes::FakeThreadPool pool;
  MemoryUploadSource source("m", "hello world");
  Deferred<SourceInfo> prepared = source.prepare(pool);
  assert_no_result(prepared);
  pool.run_all();
  EXPECT_EQ(success_result_of(prepared), (SourceInfo{11, sha256_hex("hello world")}));
  Deferred<std::string> read = source.read(pool, 6, 5);
  assert_no_result(read);
  pool.run_all();
  EXPECT_EQ(success_result_of(read), "world");
  EXPECT_EQ(source.reads(), 1u);
  EXPECT_EQ(source.largest_read(), 5u);
}

TEST(MemoryUploadSource, FailNextReadAndReadsPastTheEnd) {
  fakes::FakeThreadPool pool;
  MemoryUploadSource source("m", "abc");
  source.fail_next_read(Failure(std::make_error_code(std::errc::io_error), "cannot read m"));
  Deferred<std::string> failed = source.read(pool, 0, 1);
  Deferred<std::string> past = source.read(pool, 2, 2);
  Deferred<std::string> fine = source.read(pool, 0, 3);
  pool.run_all();
  EXPECT_EQ(failure_result_of(failed).what(), "cannot read m: Input/output error");
  EXPECT_THAT(failure_result_of(past).what(), ::testing::HasSubstr("past the end"));
  EXPECT_EQ(success_result_of(fine), "abc");
}

}  // namespace
}  // namespace kit::upload
