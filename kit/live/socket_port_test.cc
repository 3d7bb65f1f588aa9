// Listening on real sockets: TCP v4 and v6 with port 0, Unix sockets and their files, and
// the errors a server prints when it cannot listen.
#include <arpa/inet.h>
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "kit/endpoint.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "testing/live/socket_directory.h"
#include "testing/live/wait_for.h"
#include "testing/log_capture.h"
#include "testing/scripted_protocol.h"

namespace kit::live {
namespace {

using ::testing::AllOf;
using testing::ConnectionHistory;
using ::testing::HasSubstr;
using testing::ScriptedFactory;
using testing::ScriptedProtocol;
using ::testing::StartsWith;
using testing::wait_for;

bool exists(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0;
}

// Leaves a socket file behind, as a server that crashed does.
void make_stale_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::close(fd);
}

// Takes every free descriptor below a lowered RLIMIT_NOFILE, so the next accept() fails
// with EMFILE; the destructor gives them back and restores the limit.
class DescriptorsExhausted {
 public:
  DescriptorsExhausted() {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    int highest = 0;
    if (DIR* fds = ::opendir("/proc/self/fd")) {
      while (dirent* entry = ::readdir(fds)) highest = std::max(highest, std::atoi(entry->d_name));
      ::closedir(fds);
    }
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(highest + 1);
    ::setrlimit(RLIMIT_NOFILE, &lowered);
    for (int fd; (fd = ::dup(0)) >= 0;) taken_.push_back(fd);
  }
  ~DescriptorsExhausted() {
    for (int fd : taken_) ::close(fd);
    ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  DescriptorsExhausted(const DescriptorsExhausted&) = delete;
  DescriptorsExhausted& operator=(const DescriptorsExhausted&) = delete;

 private:
  rlimit saved_{};
  std::vector<int> taken_;
};

std::string what_of_listen(LiveReactor& reactor, const std::string& endpoint, Factory& factory) {
  try {
    auto port = reactor.listen(endpoint, factory);
  } catch (const FailureError& e) {
    return e.what();
  }
  return "(listened)";
}

class SocketPortTest : public ::testing::Test {
 protected:
  // Connects to `endpoint`, says hello, and reports whether the echo came back.
  bool echoes(const std::string& endpoint) {
    auto& client = *probes.emplace_back(std::make_unique<ScriptedFactory>());
    client.configure = [](ScriptedProtocol& p) {
      p.on_made = [](ScriptedProtocol& p) { p.transport()->write("hello"); };
      p.on_data = [](ScriptedProtocol& p, std::string_view) {
        if (p.history().received == "hello") p.transport()->lose_connection();
      };
    };
    auto connector = reactor.connect(endpoint, client);
    const bool done = reactor.run_until(
        [&] { return client.lost() == 1 || !client.failures.empty(); }, testing::live_bound);
    return done && client.lost() == 1 && client.first()->received == "hello";
  }

  // Factories outlive the reactor, which delivers the last callbacks when it goes.
  ScriptedFactory server;
  ScriptedFactory client;
  ScriptedFactory late;
  std::vector<std::unique_ptr<ScriptedFactory>> probes;
  LiveReactor reactor;
  ::kit::testing::SocketDirectory dir;

  void SetUp() override {
    server.configure = [](ScriptedProtocol& p) {
      p.on_data = [](ScriptedProtocol& p, std::string_view data) { p.transport()->write(data); };
    };
  }
};

TEST_F(SocketPortTest, PortZeroGetsARealPortAndTheListeningOnDescription) {
  auto v4 = reactor.listen("tcp:0:interface=127.0.0.1", server);
  EXPECT_EQ(v4->address().family(), Address::Family::ipv4);
  EXPECT_NE(v4->address().port(), 0);
  EXPECT_EQ(v4->description(), "tcp:127.0.0.1:" + std::to_string(v4->address().port()));

  auto v6 = reactor.listen("tcp:0:interface=::1", server);
  EXPECT_EQ(v6->address().family(), Address::Family::ipv6);
  EXPECT_NE(v6->address().port(), 0);
  EXPECT_EQ(v6->description(), "tcp:[::1]:" + std::to_string(v6->address().port()));

  const std::string path = dir.file("x.sock");
  auto local = reactor.listen("unix:" + path, server);
  EXPECT_EQ(local->address(), Address::unix_socket(path));
  EXPECT_EQ(local->description(), "unix:" + path);

  EXPECT_TRUE(echoes(v4->description()));
  EXPECT_TRUE(echoes(v6->description()));
  EXPECT_TRUE(echoes(local->description()));
}

// cli.md: `tcp:PORT` is "TCP on all interfaces": IPv6 ones too, not only 0.0.0.0.
TEST_F(SocketPortTest, TcpWithoutAnInterfaceListensOnIpv6AndIpv4) {
  auto port = reactor.listen("tcp:0", server);
  const std::string number = std::to_string(port->address().port());
  EXPECT_EQ(port->description(), "tcp:[::]:" + number);
  EXPECT_TRUE(echoes("tcp:127.0.0.1:" + number));
  EXPECT_TRUE(echoes("tcp:[::1]:" + number));
  // The IPv4 client is seen as 127.0.0.1, not as ::ffff:127.0.0.1.
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 2; }, "the server's two connections to end"));
  EXPECT_EQ(server.histories[0]->peer.host(), "127.0.0.1");
  EXPECT_EQ(server.histories[0]->host.host(), "127.0.0.1");
  EXPECT_EQ(server.histories[1]->peer.host(), "::1");
}

TEST_F(SocketPortTest, PortInUseSaysWhichEndpointAndWhy) {
  auto first = reactor.listen("tcp:0:interface=127.0.0.1", server);
  const std::string endpoint =
      "tcp:" + std::to_string(first->address().port()) + ":interface=127.0.0.1";
  try {
    auto second = reactor.listen(endpoint, server);
    FAIL() << "listened twice on " << endpoint;
  } catch (const FailureError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot listen on " + endpoint + ": Address already in use");
    EXPECT_TRUE(e.failure().is(std::errc::address_in_use));
  }
  EXPECT_TRUE(echoes(first->description())) << "the first port is unharmed";
}

TEST_F(SocketPortTest, BadInterfaceAndTlsAreClearErrors) {
  // The endpoint string is refused by its parser (kit/endpoint.h); an Endpoint built by
  // hand with a name for its interface is refused by the port.
  EXPECT_THROW(reactor.listen("tcp:0:interface=localhost", server), EndpointError);
  Endpoint named = parse_server_endpoint("tcp:0:interface=127.0.0.1");
  named.host = "localhost";
  try {
    auto port = reactor.listen(named, server);
    ADD_FAILURE() << "listened on interface=localhost";
  } catch (const FailureError& e) {
    EXPECT_THAT(e.what(), AllOf(StartsWith("cannot listen on tcp:0:interface=localhost: "),
                                HasSubstr("'localhost' is not an IP address")));
  }
  EXPECT_THAT(what_of_listen(reactor, "ssl:0:privateKey=key.pem", server),
              AllOf(StartsWith("cannot listen on ssl:"),
                    HasSubstr("cannot read the certificate file 'key.pem'")));
  const std::string long_path = dir.file(std::string(200, 'p'));
  EXPECT_THAT(what_of_listen(reactor, "unix:" + long_path, server),
              AllOf(StartsWith("cannot listen on unix:"), HasSubstr("File name too long")));
  EXPECT_EQ(server.started, 0) << "no port started the factory";
}

TEST_F(SocketPortTest, StaleUnixSocketFileIsReplaced) {
  const std::string path = dir.file("stale.sock");
  make_stale_socket(path);
  ASSERT_TRUE(exists(path));
  auto port = reactor.listen("unix:" + path, server);
  EXPECT_TRUE(echoes("unix:" + path));
}

TEST_F(SocketPortTest, UnixPathHeldByARegularFileIsLeftAlone) {
  const std::string path = dir.file("data.txt");
  std::ofstream(path) << "precious";
  EXPECT_THAT(what_of_listen(reactor, "unix:" + path, server),
              AllOf(StartsWith("cannot listen on unix:" + path + ": "),
                    HasSubstr("exists and is not a socket")));
  std::stringstream content;
  content << std::ifstream(path).rdbuf();
  EXPECT_EQ(content.str(), "precious");
}

TEST_F(SocketPortTest, UnixPathServedByALiveSocketIsNotTaken) {
  const std::string path = dir.file("live.sock");
  auto first = reactor.listen("unix:" + path, server);
  EXPECT_THAT(what_of_listen(reactor, "unix:" + path, server),
              AllOf(HasSubstr("another process accepts connections on " + path),
                    HasSubstr("Address already in use")));
  EXPECT_TRUE(echoes("unix:" + path)) << "the first port still owns the path";
}

TEST_F(SocketPortTest, UnixModeIsApplied) {
  const std::string path = dir.file("private.sock");
  auto port = reactor.listen("unix:" + path + ":mode=600", server);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_TRUE(echoes("unix:" + path));
}

TEST_F(SocketPortTest, UnixSocketFileIsRemovedWhenThePortStops) {
  const std::string path = dir.file("gone.sock");
  auto port = reactor.listen("unix:" + path, server);
  ASSERT_TRUE(exists(path));
  port->stop_listening();
  EXPECT_FALSE(exists(path));
  port->stop_listening();  // idempotent

  auto again = reactor.listen("unix:" + path, server);
  ASSERT_TRUE(exists(path));
  again.reset();
  EXPECT_FALSE(exists(path)) << "destroying the port removes the file too";
}

TEST_F(SocketPortTest, AFileThatReplacedOurSocketIsNotRemoved) {
  const std::string path = dir.file("replaced.sock");
  auto port = reactor.listen("unix:" + path, server);
  ASSERT_EQ(::unlink(path.c_str()), 0);
  std::ofstream(path) << "someone else's";
  port->stop_listening();
  EXPECT_TRUE(exists(path));
}

TEST_F(SocketPortTest, StopListeningRefusesNewConnectionsAndKeepsOpenOnes) {
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.made() == 1 && client.made() == 1; }, "connected"));

  port->stop_listening();
  EXPECT_EQ(server.stopped, 1);
  auto refused = reactor.connect(port->description(), late);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return !late.failures.empty(); }, "the late client's failure"));
  EXPECT_TRUE(late.failures[0].is(std::errc::connection_refused)) << late.failures[0].what();

  client.first()->transport->write("still here");
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.first()->received == "still here"; }, "the echo"));
}

TEST_F(SocketPortTest, RunningOutOfDescriptorsPausesAcceptingThenGoesOn) {
  testing::LogCapture log;
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  // A plain client, connected before the descriptors run out: the kernel completes the
  // handshake and queues the connection for accept().
  const int peer = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port->address().port());
  ASSERT_EQ(::connect(peer, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  // UBSan (--config=asan) checks a virtual call's object by reading its vtable through a
  // pipe, which it cannot open with no descriptors left, and then reports a false
  // "invalid vptr". The port's rate-limited warning calls the reactor through Clock&; one
  // such call now puts the type in UBSan's cache, so the check needs no pipe later.
  Clock& clock = reactor;
  (void)clock.now();
  {
    DescriptorsExhausted exhausted;
    ASSERT_TRUE(wait_for(
        reactor, [&] { return !log.warnings().empty(); }, "the accept failure"));
    EXPECT_THAT(log.warnings()[0],
                AllOf(HasSubstr("accepting on " + port->description()),
                      HasSubstr("Too many open files"), HasSubstr("pausing accepts")));
    EXPECT_EQ(server.made(), 0u);
  }
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.made() == 1; }, "the accept once descriptors are back"));
  EXPECT_LE(log.warnings().size(), 2u) << "accepting spun instead of pausing";
  ::close(peer);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 1; }, "the close"));
}

TEST_F(SocketPortTest, TheFactoryStartsWithTheFirstPortAndStopsWithTheLast) {
  auto a = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto b = reactor.listen("tcp:0:interface=::1", server);
  EXPECT_EQ(server.started, 1);
  a.reset();
  EXPECT_EQ(server.stopped, 0);
  b->stop_listening();
  EXPECT_EQ(server.stopped, 1);
  b.reset();
  EXPECT_EQ(server.stopped, 1);
}

}  // namespace
}  // namespace kit::live
