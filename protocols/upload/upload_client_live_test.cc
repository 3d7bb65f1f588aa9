// UploadClient with FileUploadSources against UploadServer with a DiskUploadStore, both
// on the live reactor (real sockets on loopback, the reactor's real thread pool): files
// read from one directory arrive whole in another.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kit/client_factory.h"
#include "kit/live/live_reactor.h"
#include "protocols/upload/disk_upload_store.h"
#include "protocols/upload/file_upload_source.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_client.h"
#include "protocols/upload/upload_server.h"
#include "testing/live/live_client.h"
#include "testing/live/socket_directory.h"
#include "testing/scratch_directory.h"

namespace kit::upload {
namespace {

namespace fs = std::filesystem;
using kit::testing::read_file;
using kit::testing::ScratchDirectory;
using kit::testing::write_file;
using namespace std::chrono_literals;

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return data;
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

struct Sent {
  std::string local;  // relative to the source directory
  std::string remote;
  std::string content;
};

class UploadClientLive : public ::testing::TestWithParam<const char*> {};

TEST_P(UploadClientLive, FilesArriveWholeOnTheServersDisk) {
  kit::testing::SocketDirectory directory;  // sources, root and socket; outlives the reactor
  const fs::path sources = fs::path(directory.path()) / "sources";
  const fs::path root = fs::path(directory.path()) / "root";
  const std::vector<Sent> files = {
      {"empty", "empty", ""},
      {"a.txt", "notes/a.txt", "QUIT\r\nPUT 1 x y\nBYE\r\n"},
      {"one", "bin/one", pattern(1 << 20)},
      {"five", "five", pattern(5 << 20)},
  };
  for (const Sent& f : files) write_file(sources / f.local, f.content);

  DiskUploadStore store(root.string());  // outlives the reactor and its connections
  live::LiveReactor reactor;
  UploadServerOptions server_options;
  server_options.secret = "live secret";
  auto server = make_upload_server_factory(store, server_options);
  std::string endpoint = GetParam();
  if (endpoint == "unix") endpoint = "unix:" + directory.file("up.sock");
  auto port = reactor.listen(endpoint, *server);

  std::optional<UploadReport> report;
  std::optional<Failure> connect_failed;
  FunctionClientFactory client_factory([&](const Address&) {
    std::vector<UploadItem> items;
    for (const Sent& f : files) {
      items.push_back({std::make_unique<FileUploadSource>((sources / f.local).string()), f.remote});
    }
    items.push_back({std::make_unique<FileUploadSource>((sources / "missing").string()), "m"});
    UploadClientOptions options;
    options.secret = "live secret";
    auto client = std::make_unique<UploadClient>(std::move(items), options);
    (void)client->done().add_callback([&](UploadReport r) { report = std::move(r); });
    return client;
  });
  client_factory.on_failed = [&](Connector&, const Failure& reason) { connect_failed = reason; };
  auto connector = reactor.connect(kit::testing::endpoint_of(*port), client_factory);
  ASSERT_TRUE(reactor.run_until([&] { return report || connect_failed; }, 60s));
  ASSERT_FALSE(connect_failed) << connect_failed->what();

  ASSERT_EQ(report->files.size(), files.size() + 1);
  for (std::size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i].remote);
    EXPECT_TRUE(report->files[i].stored) << report->files[i].error;
    EXPECT_EQ(report->files[i].sha256, sha256_hex(files[i].content));
    EXPECT_TRUE(read_file(root / files[i].remote) == files[i].content) << "the stored bytes differ";
  }
  EXPECT_THAT(report->files.back().error,
              ::testing::HasSubstr("cannot open " + (sources / "missing").string() +
                                   ": No such file or directory"));
  EXPECT_FALSE(report->connection_error);
  EXPECT_FALSE(fs::exists(root / "m"));
}

INSTANTIATE_TEST_SUITE_P(Families, UploadClientLive,
                         ::testing::Values("tcp:0:interface=127.0.0.1", "tcp:0:interface=::1",
                                           "unix"));

}  // namespace
}  // namespace kit::upload
