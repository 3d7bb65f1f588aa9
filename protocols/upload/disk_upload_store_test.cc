// DiskUploadStore in a fresh directory under TEST_TMPDIR, its blocking work run by a
// FakeThreadPool on the test's thread.
#include "protocols/upload/disk_upload_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/fake_thread_pool.h"
#include "fakes/string_transport.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_error.h"
#include "protocols/upload/upload_server.h"
#include "protocols/upload/upload_temporaries.h"
#include "testing/deferred_assertions.h"
#include "testing/scratch_directory.h"

namespace kit::upload {
namespace {

namespace fs = std::filesystem;
using kit::testing::failure_result_of;
using kit::testing::read_file;
using kit::testing::ScratchDirectory;
using kit::testing::success_result_of;
using kit::testing::write_file;

UploadPath path_of(std::string_view text) { return *UploadPath::parse(text); }

class DiskUploadStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = scratch_.path();
    root_ = base_ / "root";
    outside_ = base_ / "outside";
    fs::create_directories(outside_);
  }

  std::unique_ptr<UploadWriter> begin(DiskUploadStore& store, std::string_view path,
                                      bool overwrite = true) {
    std::unique_ptr<UploadWriter> writer;
    (void)store.begin(pool_, path_of(path), overwrite)
        .add_callback([&writer](std::unique_ptr<UploadWriter> w) { writer = std::move(w); });
    pool_.run_all();
    EXPECT_NE(writer, nullptr);
    return writer;
  }

  Finished upload(DiskUploadStore& store, std::string_view path, std::string_view content,
                  std::string expected) {
    auto writer = begin(store, path);
    (void)writer->append(std::string(content.substr(0, content.size() / 2)));
    (void)writer->append(std::string(content.substr(content.size() / 2)));
    auto finished = writer->finish(std::move(expected));
    pool_.run_all();
    return success_result_of(finished);
  }

  ScratchDirectory scratch_{"disk-store"};
  fs::path base_, root_, outside_;
  fakes::FakeThreadPool pool_;
};

TEST_F(DiskUploadStoreTest, CreatesTheRootAndStoresFilesWithTheirParents) {
  DiskUploadStore store(root_.string());
  const Finished finished = upload(store, "a/b/c.txt", "hello", sha256_hex("hello"));
  EXPECT_TRUE(finished.committed);
  EXPECT_EQ(finished.sha256, sha256_hex("hello"));
  EXPECT_EQ(read_file(root_ / "a/b/c.txt"), "hello");
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
}

TEST_F(DiskUploadStoreTest, BodyGoesToATemporaryFileInTheDestinationDirectory) {
  DiskUploadStore store(root_.string());
  auto writer = begin(store, "d/f");
  (void)writer->append("partial");
  pool_.run_all();
  const auto temps = find_upload_temporaries(root_);
  ASSERT_EQ(temps.size(), 1u);
  EXPECT_EQ(temps[0].parent_path(), root_ / "d");
  EXPECT_EQ(read_file(temps[0]), "partial");
  EXPECT_FALSE(fs::exists(root_ / "d/f"));
  writer.reset();  // dropped: the temporary file goes
  pool_.run_all();
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
  EXPECT_FALSE(fs::exists(root_ / "d/f"));
}

TEST_F(DiskUploadStoreTest, TemporaryGoesEvenWhenThePoolNeverRunsTheDrop) {
  DiskUploadStore store(root_.string());
  {
    fakes::FakeThreadPool pool;
    std::unique_ptr<UploadWriter> writer;
    (void)store.begin(pool, path_of("d/f"), true)
        .add_callback([&writer](std::unique_ptr<UploadWriter> w) { writer = std::move(w); });
    pool.run_all();
    ASSERT_NE(writer, nullptr);
    (void)writer->append("partial");
    pool.run_all();
    ASSERT_EQ(find_upload_temporaries(root_).size(), 1u);
    (void)writer->append("more");  // queued, as is the drop below: neither ever runs
    writer.reset();
    EXPECT_GT(pool.pending(), 0u);
  }  // the pool goes with its work unrun, as a stopping server's pool does
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
  EXPECT_FALSE(fs::exists(root_ / "d/f"));
}

TEST_F(DiskUploadStoreTest, MismatchRemovesTheTemporaryAndKeepsTheOldFile) {
  write_file(root_ / "f", "old");
  DiskUploadStore store(root_.string());
  const Finished finished = upload(store, "f", "new", sha256_hex("other"));
  EXPECT_FALSE(finished.committed);
  EXPECT_EQ(finished.sha256, sha256_hex("new"));
  EXPECT_EQ(read_file(root_ / "f"), "old");
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
}

TEST_F(DiskUploadStoreTest, ReplacesOrRefusesAnExistingFile) {
  write_file(root_ / "f", "old");
  DiskUploadStore store(root_.string());
  auto refused = store.begin(pool_, path_of("f"), false);
  pool_.run_all();
  EXPECT_TRUE(failure_result_of(refused).is(upload_errc::exists));
  EXPECT_TRUE(upload(store, "f", "new", sha256_hex("new")).committed);
  EXPECT_EQ(read_file(root_ / "f"), "new");
}

TEST_F(DiskUploadStoreTest, StatGivesSizeAndHashOrNothing) {
  write_file(root_ / "d/f", "hello");
  DiskUploadStore store(root_.string());
  auto file = store.stat(pool_, path_of("d/f"));
  auto missing = store.stat(pool_, path_of("nope"));
  auto directory = store.stat(pool_, path_of("d"));
  auto under_file = store.stat(pool_, path_of("d/f/x"));
  pool_.run_all();
  EXPECT_EQ(success_result_of(file), (StoredFile{5, sha256_hex("hello")}));
  EXPECT_FALSE(success_result_of(missing).has_value());
  EXPECT_FALSE(success_result_of(directory).has_value());
  EXPECT_FALSE(success_result_of(under_file).has_value());
}

TEST_F(DiskUploadStoreTest, RefusesLinksLeadingOutOfTheRoot) {
  fs::create_directories(root_);
  write_file(outside_ / "secret", "s");
  fs::create_directory_symlink(outside_, root_ / "out");
  fs::create_symlink(outside_ / "secret", root_ / "final");
  fs::create_directory_symlink("../outside", root_ / "relative");
  DiskUploadStore store(root_.string());
  for (const char* path : {"out/x", "out/new/x", "final", "relative/x"}) {
    auto d = store.begin(pool_, path_of(path), true);
    pool_.run_all();
    EXPECT_TRUE(failure_result_of(d).is(upload_errc::path_refused)) << path;
  }
  for (const char* path : {"out/secret", "final", "relative/secret"}) {
    auto d = store.stat(pool_, path_of(path));
    pool_.run_all();
    EXPECT_TRUE(failure_result_of(d).is(upload_errc::path_refused)) << path;
  }
  EXPECT_EQ(read_file(outside_ / "secret"), "s");
  EXPECT_FALSE(fs::exists(outside_ / "x"));
  EXPECT_FALSE(fs::exists(outside_ / "new"));
}

TEST_F(DiskUploadStoreTest, LinksInsideTheRootAreFollowed) {
  fs::create_directories(root_ / "real");
  fs::create_directory_symlink("real", root_ / "alias");
  DiskUploadStore store(root_.string());
  EXPECT_TRUE(upload(store, "alias/f", "x", sha256_hex("x")).committed);
  EXPECT_EQ(read_file(root_ / "real/f"), "x");
  auto d = store.stat(pool_, path_of("alias/f"));
  pool_.run_all();
  EXPECT_EQ(success_result_of(d), (StoredFile{1, sha256_hex("x")}));
}

TEST_F(DiskUploadStoreTest, RefusesADirectoryOrAFileAsParent) {
  fs::create_directories(root_ / "dir");
  write_file(root_ / "file", "f");
  DiskUploadStore store(root_.string());
  auto directory = store.begin(pool_, path_of("dir"), true);
  auto parent_file = store.begin(pool_, path_of("file/x"), true);
  pool_.run_all();
  EXPECT_EQ(failure_result_of(directory).message(), "path is a directory");
  EXPECT_EQ(failure_result_of(parent_file).message(), "a parent of the path is a file");
}

TEST_F(DiskUploadStoreTest, RemovesStaleTemporariesAnywhereAtStart) {
  write_file(root_ / ".pkup-1-1", "stale");
  write_file(root_ / "d/e/.pkup-9-3", "stale");
  write_file(root_ / "d/keep", "keep");
  write_file(outside_ / ".pkup-outside", "not ours");
  fs::create_directory_symlink(outside_, root_ / "link");
  DiskUploadStore store(root_.string());
  EXPECT_EQ(store.stale_removed(), 2u);
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
  EXPECT_EQ(read_file(root_ / "d/keep"), "keep");
  EXPECT_TRUE(fs::exists(outside_ / ".pkup-outside"));
}

TEST_F(DiskUploadStoreTest, ServesTheProtocol) {
  DiskUploadStore store(root_.string());
  fakes::FakeContext context(3);
  fakes::StringTransport transport;
  transport.set_context(context);
  UploadServer server(store, {});
  transport.connect(server);
  (void)transport.take();
  const std::string body = "line 1\r\nQUIT\n";
  transport.receive("PUT " + std::to_string(body.size()) + " " + sha256_hex(body) +
                    " docs/a.txt\n" + body + "STAT docs/a.txt\nSTAT ../x\nQUIT\n");
  while (context.thread_pool().run_all() > 0) {
  }
  EXPECT_EQ(transport.take(), "READY\r\nOK " + sha256_hex(body) + "\r\nOK " +
                                  std::to_string(body.size()) + " " + sha256_hex(body) +
                                  "\r\nERR 403 '.' or '..' in path\r\nBYE\r\n");
  EXPECT_EQ(read_file(root_ / "docs/a.txt"), body);
}

}  // namespace
}  // namespace kit::upload
