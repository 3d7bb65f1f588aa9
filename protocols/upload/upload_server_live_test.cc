// UploadServer over the live reactor and DiskUploadStore, as `protokit serve upload` runs
// it: TCP on 127.0.0.1 and ::1 and a Unix socket, files in a fresh directory under
// TEST_TMPDIR, and a scripted PKUP/1 client (testing/live LiveClient) that sends its whole
// conversation at once, body included (the server reads a body sent before READY once it
// has answered READY). Every wait is bounded (wait_for, wait_closed), never a sleep.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "kit/address.h"
#include "kit/factory.h"
#include "kit/listening_port.h"
#include "kit/live/live_reactor.h"
#include "protocols/upload/disk_upload_store.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_server.h"
#include "protocols/upload/upload_temporaries.h"
#include "testing/live/live_client.h"
#include "testing/live/socket_directory.h"
#include "testing/live/wait_for.h"
#include "testing/scratch_directory.h"

namespace kit::upload {
namespace {

namespace fs = std::filesystem;
using kit::testing::live_bound;
using kit::testing::LiveClient;
using kit::testing::read_file;
using kit::testing::ScratchDirectory;
using kit::testing::wait_for;
using kit::testing::write_file;

// Content that differs at every offset and between files, so a misplaced chunk shows.
std::string content_of(std::size_t size, unsigned seed) {
  std::string out(size, '\0');
  std::uint32_t x = 2463534242u ^ seed;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return out;
}

std::string put(std::string_view path, std::string_view body) {
  return "PUT " + std::to_string(body.size()) + " " + sha256_hex(body) + " " + std::string(path) +
         "\n" + std::string(body);
}

// Drops the greeting `PKUP/1 <32 hex>\r\n` after checking it; the rest of what came.
std::string after_greeting(const std::string& received) {
  const std::size_t end = received.find("\r\n");
  EXPECT_NE(end, std::string::npos) << received;
  if (end == std::string::npos) return received;
  const std::string greeting = received.substr(0, end);
  EXPECT_EQ(greeting.size(), 7u + 32u) << greeting;
  EXPECT_EQ(greeting.rfind("PKUP/1 ", 0), 0u) << greeting;
  EXPECT_EQ(greeting.find_first_not_of("0123456789abcdef", 7), std::string::npos) << greeting;
  return received.substr(end + 2);
}

class UploadServerLiveTest : public ::testing::TestWithParam<Address::Family> {
 protected:
  void SetUp() override {
    base_ = scratch_.path();
    root_ = base_ / "root";
    outside_ = base_ / "outside";
    fs::create_directories(outside_);
    store_.emplace(root_.string());
  }

  void TearDown() override {
    // Every connection ends while the store and factory are here (the reactor's pool
    // must not be handed a writer's drop as it goes).
    port_.reset();
    EXPECT_TRUE(wait_for(
        reactor_, [&] { return reactor_.open_connections() == 0; }, "every connection closed"));
  }

  void serve(UploadServerOptions options = {}) {
    factory_ = make_upload_server_factory(*store_, std::move(options));
    switch (GetParam()) {
      case Address::Family::ipv4:
        port_ = reactor_.listen("tcp:0:interface=127.0.0.1", *factory_);
        break;
      case Address::Family::ipv6:
        port_ = reactor_.listen("tcp:0:interface=::1", *factory_);
        break;
      default:
        port_ = reactor_.listen("unix:" + sockets_.file("upload.sock"), *factory_);
        break;
    }
  }

  // talk: one connection that sends `script` then QUIT; what the server said after its
  // greeting, once it closed.
  std::string talk(const std::string& script) {
    LiveClient client(reactor_, kit::testing::endpoint_of(*port_), script + "QUIT\n");
    EXPECT_TRUE(client.wait_closed(live_bound))
        << "server did not close; got " << client.received();
    return after_greeting(client.received());
  }

  ScratchDirectory scratch_{"upload-live"};
  fs::path base_, root_, outside_;
  kit::testing::SocketDirectory sockets_;
  std::optional<DiskUploadStore> store_;
  std::unique_ptr<Factory> factory_;
  // Declared after what its connections refer to, so it goes first.
  live::LiveReactor reactor_;
  std::unique_ptr<ListeningPort> port_;
};

TEST_P(UploadServerLiveTest, StoresAnEmptyFile) {
  serve();
  EXPECT_EQ(talk(put("empty", "")), "READY\r\nOK " + sha256_hex("") + "\r\nBYE\r\n");
  ASSERT_TRUE(fs::is_regular_file(root_ / "empty"));
  EXPECT_EQ(fs::file_size(root_ / "empty"), 0u);
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
}

TEST_P(UploadServerLiveTest, StoresOneMebibyteWithItsHashAndParents) {
  serve();
  const std::string body = content_of(1024 * 1024, 1);
  EXPECT_EQ(talk(put("a/b/one.bin", body)), "READY\r\nOK " + sha256_hex(body) + "\r\nBYE\r\n");
  EXPECT_EQ(read_file(root_ / "a/b/one.bin"), body);
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
  EXPECT_EQ(talk("STAT a/b/one.bin\n"),
            "OK " + std::to_string(body.size()) + " " + sha256_hex(body) + "\r\nBYE\r\n");
}

TEST_P(UploadServerLiveTest, TwentyUploadsAtOnce) {
  serve();
  constexpr int kClients = 20;
  std::vector<std::string> bodies;
  std::vector<std::unique_ptr<LiveClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    // Sizes around the server's append size and its back-pressure bound.
    bodies.push_back(content_of(100000 + static_cast<std::size_t>(i) * 70001, 100u + i));
    clients.push_back(
        std::make_unique<LiveClient>(reactor_, kit::testing::endpoint_of(*port_),
                                     put("many/f" + std::to_string(i), bodies.back()) + "QUIT\n"));
  }
  ASSERT_TRUE(wait_for(
      reactor_,
      [&] {
        for (const auto& client : clients) {
          if (!client->ended()) return false;
        }
        return true;
      },
      "all twenty connections closed"));
  for (int i = 0; i < kClients; ++i) {
    SCOPED_TRACE("client " + std::to_string(i));
    EXPECT_EQ(after_greeting(clients[i]->received()),
              "READY\r\nOK " + sha256_hex(bodies[i]) + "\r\nBYE\r\n");
    EXPECT_EQ(read_file(root_ / ("many/f" + std::to_string(i))), bodies[i]);
  }
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
}

TEST_P(UploadServerLiveTest, RefusesSymbolicLinksLeadingOutOfTheRoot) {
  serve();
  fs::create_directories(root_);
  fs::create_directory_symlink(outside_, root_ / "out");
  write_file(outside_ / "target", "outside");
  fs::create_symlink(outside_ / "target", root_ / "link");
  // No body is sent: after a refusal the next bytes are commands.
  EXPECT_EQ(talk("PUT 5 " + sha256_hex("hello") + " out/x\n"),
            "ERR 403 path leads out of the root\r\nBYE\r\n");
  EXPECT_EQ(talk("PUT 5 " + sha256_hex("hello") + " link\n"),
            "ERR 403 path leads out of the root\r\nBYE\r\n");
  EXPECT_EQ(talk("STAT link\n"), "ERR 403 path leads out of the root\r\nBYE\r\n");
  EXPECT_FALSE(fs::exists(outside_ / "x"));
  EXPECT_EQ(read_file(outside_ / "target"), "outside");
  EXPECT_TRUE(find_upload_temporaries(base_).empty());
}

TEST_P(UploadServerLiveTest, NoOverwriteAnswers409AndKeepsTheFile) {
  UploadServerOptions options;
  options.overwrite = false;
  serve(options);
  write_file(root_ / "kept", "old");
  EXPECT_EQ(talk("PUT 3 " + sha256_hex("new") + " kept\n"), "ERR 409 exists\r\nBYE\r\n");
  EXPECT_EQ(read_file(root_ / "kept"), "old");
  // A new path is still stored; the same path again is then refused.
  EXPECT_EQ(talk(put("fresh", "new")), "READY\r\nOK " + sha256_hex("new") + "\r\nBYE\r\n");
  EXPECT_EQ(talk("PUT 3 " + sha256_hex("two") + " fresh\n"), "ERR 409 exists\r\nBYE\r\n");
  EXPECT_EQ(read_file(root_ / "fresh"), "new");
  EXPECT_TRUE(find_upload_temporaries(root_).empty());
}

TEST_P(UploadServerLiveTest, ConnectionCutMidBodyLeavesNoFile) {
  serve();
  write_file(root_ / "cut", "before");
  const std::string body = content_of(300000, 7);
  {
    LiveClient client(reactor_, kit::testing::endpoint_of(*port_),
                      "PUT " + std::to_string(body.size()) + " " + sha256_hex(body) + " cut\n" +
                          body.substr(0, body.size() / 2));
    ASSERT_TRUE(wait_for(
        reactor_, [&] { return !find_upload_temporaries(root_).empty(); }, "the temporary file"));
  }  // the client goes: the connection is cut with half the body sent
  ASSERT_TRUE(wait_for(
      reactor_,
      [&] { return reactor_.open_connections() == 0 && find_upload_temporaries(root_).empty(); },
      "the server's close and the temporary file's removal"));
  EXPECT_EQ(read_file(root_ / "cut"), "before");
}

std::string family_name(const ::testing::TestParamInfo<Address::Family>& info) {
  switch (info.param) {
    case Address::Family::ipv4:
      return "Tcp4";
    case Address::Family::ipv6:
      return "Tcp6";
    default:
      return "Unix";
  }
}

INSTANTIATE_TEST_SUITE_P(Transports, UploadServerLiveTest,
                         ::testing::Values(Address::Family::ipv4, Address::Family::ipv6,
                                           Address::Family::unix_domain),
                         family_name);

}  // namespace
}  // namespace kit::upload
