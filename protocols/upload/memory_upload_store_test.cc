#include "protocols/upload/memory_upload_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "fakes/fake_thread_pool.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_error.h"
#include "testing/deferred_assertions.h"

namespace kit::upload {
namespace {

using kit::testing::assert_no_result;
using kit::testing::failure_result_of;
using kit::testing::success_result_of;

UploadPath path_of(std::string_view text) { return *UploadPath::parse(text); }

class MemoryUploadStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<UploadWriter> begin(std::string_view path, bool overwrite = true) {
    std::unique_ptr<UploadWriter> writer;
    (void)store_.begin(pool_, path_of(path), overwrite)
        .add_callback([&writer](std::unique_ptr<UploadWriter> w) { writer = std::move(w); });
    pool_.run_all();
    EXPECT_NE(writer, nullptr);
    return writer;
  }

  MemoryUploadStore store_;
  fakes::FakeThreadPool pool_;
};

TEST_F(MemoryUploadStoreTest, StoresOnlyWhenTheHashMatches) {
  auto writer = begin("a/b.txt");
  EXPECT_EQ(store_.temporaries(), 1u);
  (void)writer->append("hel");
  (void)writer->append("lo");
  auto finished = writer->finish(sha256_hex("hello"));
  assert_no_result(finished);  // the store answers through the pool
  EXPECT_TRUE(store_.files().empty());
  pool_.run_all();
  EXPECT_TRUE(success_result_of(finished).committed);
  EXPECT_EQ(success_result_of(finished).sha256, sha256_hex("hello"));
  EXPECT_EQ(store_.files().at("a/b.txt"), "hello");
  EXPECT_EQ(store_.temporaries(), 0u);
}

TEST_F(MemoryUploadStoreTest, MismatchKeepsTheOldFile) {
  store_.put("f", "old");
  auto writer = begin("f");
  (void)writer->append("new");
  auto finished = writer->finish(sha256_hex("other"));
  pool_.run_all();
  EXPECT_FALSE(success_result_of(finished).committed);
  EXPECT_EQ(success_result_of(finished).sha256, sha256_hex("new"));
  EXPECT_EQ(store_.files().at("f"), "old");
  EXPECT_EQ(store_.temporaries(), 0u);
}

TEST_F(MemoryUploadStoreTest, DroppedWriterLeavesNothing) {
  store_.put("f", "old");
  auto writer = begin("f");
  (void)writer->append("partial");
  pool_.run_all();
  EXPECT_EQ(store_.buffered(), 7u);
  writer.reset();
  EXPECT_EQ(store_.temporaries(), 0u);
  EXPECT_EQ(store_.files().at("f"), "old");
}

TEST_F(MemoryUploadStoreTest, NoOverwriteRefusesExistingFiles) {
  store_.put("f", "old");
  auto d = store_.begin(pool_, path_of("f"), false);
  pool_.run_all();
  EXPECT_TRUE(failure_result_of(d).is(upload_errc::exists));
}

TEST_F(MemoryUploadStoreTest, RefusesLinksOutOfTheRootAndFilesAsParents) {
  store_.add_outside_link("out");
  store_.put("file", "x");
  store_.put("dir/inner", "y");
  for (const char* path : {"out", "out/x", "file/x", "dir"}) {
    auto d = store_.begin(pool_, path_of(path), true);
    pool_.run_all();
    EXPECT_TRUE(failure_result_of(d).is(upload_errc::path_refused)) << path;
  }
  auto through_link = store_.stat(pool_, path_of("out/x"));
  pool_.run_all();
  EXPECT_TRUE(failure_result_of(through_link).is(upload_errc::path_refused));
}

TEST_F(MemoryUploadStoreTest, StatGivesSizeAndHashOrNothing) {
  store_.put("dir/f", "hello");
  auto file = store_.stat(pool_, path_of("dir/f"));
  auto missing = store_.stat(pool_, path_of("g"));
  auto directory = store_.stat(pool_, path_of("dir"));
  pool_.run_all();
  EXPECT_EQ(success_result_of(file), (StoredFile{5, sha256_hex("hello")}));
  EXPECT_FALSE(success_result_of(missing).has_value());
  EXPECT_FALSE(success_result_of(directory).has_value());
}

TEST_F(MemoryUploadStoreTest, FullStoreFailsAppendsAndLaterSteps) {
  store_.set_capacity(4);
  auto writer = begin("f");
  auto first = writer->append("abc");
  auto second = writer->append("de");
  auto finished = writer->finish(sha256_hex("abcde"));
  pool_.run_all();
  success_result_of(first);
  EXPECT_TRUE(failure_result_of(second).is(upload_errc::no_space));
  EXPECT_TRUE(failure_result_of(finished).is(upload_errc::no_space));
  EXPECT_TRUE(store_.files().empty());
  EXPECT_EQ(store_.temporaries(), 0u);
}

TEST_F(MemoryUploadStoreTest, FailNextFailsOneCall) {
  store_.fail_next(MemoryUploadStore::Operation::begin,
                   Failure(upload_errc::store_failed, "disk on fire"));
  auto failed = store_.begin(pool_, path_of("f"), true);
  auto fine = store_.begin(pool_, path_of("f"), true);
  pool_.run_all();
  EXPECT_EQ(failure_result_of(failed).message(), "disk on fire");
  EXPECT_NE(success_result_of(fine), nullptr);
}

TEST(UploadError, AnswersForFailures) {
  EXPECT_EQ(answer_for(Failure(upload_errc::path_refused, "no\r\nway")).code, 403);
  EXPECT_EQ(answer_for(Failure(upload_errc::path_refused, "no\r\nway")).text, "no  way");
  EXPECT_EQ(answer_for(Failure(upload_errc::exists)).code, 409);
  EXPECT_EQ(answer_for(Failure(upload_errc::no_space)).code, 507);
  EXPECT_EQ(answer_for(Failure(std::make_error_code(std::errc::no_space_on_device))).code, 507);
  const StoreAnswer other = answer_for(Failure(std::make_error_code(std::errc::io_error), "fsync"));
  EXPECT_EQ(other.code, 500);
  EXPECT_EQ(other.text, "fsync");
}

}  // namespace
}  // namespace kit::upload
