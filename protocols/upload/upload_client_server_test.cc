// UploadClient against UploadServer in memory: a LoopbackPair (fakes/loopback.h) joins
// them, a MemoryUploadStore keeps what the server stores, and one FakeContext (clock,
// seeded Random for the nonce, thread pool for the sources and the store) serves both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/loopback.h"
#include "protocols/upload/memory_upload_source.h"
#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_client.h"
#include "protocols/upload/upload_server.h"

namespace kit::upload {
namespace {

using ::testing::HasSubstr;

struct File {
  std::string remote;
  std::string content;
};

class UploadClientServerTest : public ::testing::Test {
 protected:
  // run: the client sends `files` to a server with `server_options`, the pair re-chunking
  // every delivery into pieces of 1..max_chunk bytes; the client's report.
  UploadReport run(const std::vector<File>& files, UploadServerOptions server_options = {},
                   UploadClientOptions client_options = {}, std::size_t max_chunk = 0) {
    std::vector<UploadItem> items;
    for (const File& f : files) {
      items.push_back(
          {std::make_unique<MemoryUploadSource>("local/" + f.remote, f.content), f.remote});
    }
    UploadClient client(std::move(items), std::move(client_options));
    UploadServer server(store_, std::move(server_options));
    std::optional<UploadReport> report;
    (void)client.done().add_callback([&](UploadReport r) { report = std::move(r); });
    fakes::LoopbackOptions options;
    options.context = &context_;
    options.seed = 11;
    options.max_chunk = max_chunk;
    options.max_rounds = 10'000'000;
    fakes::LoopbackPair pair(client, server, options);
    // Bytes move, then the sources' and the store's work runs, until neither has anything.
    for (;;) {
      const std::size_t moved = pair.pump();
      const std::size_t ran = context_.thread_pool().run_all();
      if (moved == 0 && ran == 0) break;
    }
    EXPECT_FALSE(pair.client_transport().connected());
    EXPECT_FALSE(pair.server_transport().connected());
    EXPECT_TRUE(report.has_value());
    return report.value_or(UploadReport{});
  }

  fakes::FakeContext context_{/*seed=*/3};
  MemoryUploadStore store_;
};

const std::vector<File> kFiles = {
    {"empty", ""},
    {"notes/hello.txt", "hello"},
    {"lines", "QUIT\r\nPUT 5 abc x\r\nBYE\n\r\n\n\rSTAT a\n"},
    {"dir with space/bin", std::string("\0\r\n\xff\x00ERR 500 x\r\n", 16)},
    {"big", std::string(300 * 1024 + 17, 'B')},
};

void expect_all_stored(const UploadReport& report, const std::vector<File>& files,
                       const MemoryUploadStore& store) {
  ASSERT_EQ(report.files.size(), files.size());
  EXPECT_TRUE(report.all_stored());
  EXPECT_FALSE(report.connection_error) << *report.connection_error;
  for (std::size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i].remote);
    EXPECT_TRUE(report.files[i].stored) << report.files[i].error;
    EXPECT_EQ(report.files[i].sha256, sha256_hex(files[i].content));
    ASSERT_EQ(store.files().count(files[i].remote), 1u);
    EXPECT_EQ(store.files().at(files[i].remote), files[i].content);
  }
  EXPECT_EQ(store.temporaries(), 0u);
}

TEST_F(UploadClientServerTest, StoresSeveralFilesOnOneConnection) {
  const UploadReport report = run(kFiles);
  expect_all_stored(report, kFiles, store_);
  EXPECT_EQ(store_.files().size(), kFiles.size());
}

TEST_F(UploadClientServerTest, StoresTheSameWhateverTheChunking) {
  UploadClientOptions client;
  client.chunk_size = 1000;
  const UploadReport report = run(kFiles, {}, client, /*max_chunk=*/7);
  expect_all_stored(report, kFiles, store_);
}

TEST_F(UploadClientServerTest, WithTheServersSecret) {
  UploadServerOptions server;
  server.secret = "s3cret";
  UploadClientOptions client;
  client.secret = "s3cret";
  expect_all_stored(run(kFiles, server, client), kFiles, store_);
}

TEST_F(UploadClientServerTest, WrongSecretStoresNothing) {
  UploadServerOptions server;
  server.secret = "s3cret";
  UploadClientOptions client;
  client.secret = "guess";
  const UploadReport report = run(kFiles, server, client);
  EXPECT_FALSE(report.all_stored());
  for (const UploadResult& r : report.files) {
    EXPECT_THAT(r.error, HasSubstr("not sent: authentication refused: the server answered "
                                   "\"ERR 401 bad credentials\""));
  }
  EXPECT_TRUE(store_.files().empty());
}

TEST_F(UploadClientServerTest, NoSecretWhereOneIsNeededFailsEachFileWith401) {
  UploadServerOptions server;
  server.secret = "s3cret";
  const UploadReport report = run({{"a", "x"}, {"b", "y"}}, server);
  for (const UploadResult& r : report.files) {
    EXPECT_THAT(r.error, HasSubstr("\"ERR 401 authentication required\""));
  }
  EXPECT_FALSE(report.connection_error);
}

TEST_F(UploadClientServerTest, RefusedFilesAreRecordedAndTheOthersStored) {
  store_.put("taken", "old");
  UploadServerOptions server;
  server.overwrite = false;
  server.max_size = 1000;
  const UploadReport report = run({{"taken", "new"},
                                   {"ok1", "1"},
                                   {"../up", "x"},
                                   {"large", std::string(1001, 'l')},
                                   {"ok2", "2"}},
                                  server);
  EXPECT_EQ(report.files[0].error,
            "cannot upload local/taken to taken: the server answered \"ERR 409 exists\"");
  EXPECT_TRUE(report.files[1].stored);
  EXPECT_THAT(report.files[2].error, HasSubstr("the server answered \"ERR 403 "));
  EXPECT_THAT(report.files[3].error, HasSubstr("the server answered \"ERR 413 too large\""));
  EXPECT_TRUE(report.files[4].stored);
  EXPECT_EQ(store_.files().at("taken"), "old");
  EXPECT_EQ(store_.files().at("ok2"), "2");
  EXPECT_FALSE(report.connection_error);
}

TEST_F(UploadClientServerTest, FullDiskIs507ForThatFile) {
  store_.set_capacity(10);
  const UploadReport report = run({{"a", std::string(20, 'a')}, {"b", "bb"}});
  EXPECT_THAT(report.files[0].error, HasSubstr("\"ERR 507 not enough space\""));
  EXPECT_TRUE(report.files[1].stored);
}

}  // namespace
}  // namespace kit::upload
