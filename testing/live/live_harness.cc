#include "testing/live/live_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <utility>

namespace kit::testing {
namespace {

// Small, so that a peer that stops reading fills its window after a few writes.
constexpr int peer_receive_buffer = 4096;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("LiveHarness: " + what + ": " + std::strerror(errno));
}

}  // namespace

// Forwards every callback of the live connection to the suite's protocol.
class LiveHarness::Relay final : public Protocol {
 public:
  Relay(Protocol& target, std::size_t& relayed) : target_(target), relayed_(relayed) {}

  void connection_made() override {
    ++relayed_;
    target_.make_connection(*transport());
  }
  void data_received(std::string_view data) override {
    ++relayed_;
    target_.data_received(data);
  }
  void read_connection_lost() override {
    ++relayed_;
    target_.read_connection_lost();
  }
  void connection_lost(const Failure& reason) override {
    ++relayed_;
    target_.connection_lost(reason);
  }
  void stop_requested() override {
    ++relayed_;
    target_.stop_requested();
  }

 private:
  Protocol& target_;
  std::size_t& relayed_;
};

LiveHarness::LiveHarness(Address::Family family)
    : family_(family), factory_([this](const Address&) -> std::unique_ptr<Protocol> {
        if (protocol_ == nullptr) return nullptr;
        return std::make_unique<Relay>(*std::exchange(protocol_, nullptr), relayed_);
      }) {
  if (!(family == Address::Family::ipv4 || family == Address::Family::ipv6 ||
        family == Address::Family::unix_domain)) {
    throw std::invalid_argument("LiveHarness: a live socket is IPv4, IPv6 or Unix domain");
  }
}

LiveHarness::~LiveHarness() {
  close_peer();
  port_.reset();
}

std::string LiveHarness::name() const {
  switch (family_) {
    case Address::Family::ipv4:
      return "live tcp 127.0.0.1";
    case Address::Family::ipv6:
      return "live tcp ::1";
    case Address::Family::unix_domain:
      return "live unix";
    case Address::Family::none:
    case Address::Family::memory:
      break;  // refused by the constructor
  }
  return "live";
}

void LiveHarness::connect(Protocol& protocol) {
  protocol_ = &protocol;
  std::string endpoint;
  switch (family_) {
    case Address::Family::ipv4:
      endpoint = "tcp:0:interface=127.0.0.1";
      break;
    case Address::Family::ipv6:
      endpoint = "tcp:0:interface=::1";
      break;
    case Address::Family::unix_domain:
      socket_dir_.emplace();
      endpoint = "unix:" + socket_dir_->file("peer.sock");
      break;
    case Address::Family::none:
    case Address::Family::memory:
      break;  // refused by the constructor
  }
  port_ = reactor_.listen(endpoint, factory_);
  const Address address = port_->address();

  sockaddr_storage storage{};
  socklen_t size = 0;
  if (family_ == Address::Family::ipv4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    in->sin_port = htons(address.port());
    ::inet_pton(AF_INET, address.host().c_str(), &in->sin_addr);
    size = sizeof *in;
  } else if (family_ == Address::Family::ipv6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(address.port());
    ::inet_pton(AF_INET6, address.host().c_str(), &in6->sin6_addr);
    size = sizeof *in6;
  } else {
    auto* un = reinterpret_cast<sockaddr_un*>(&storage);
    un->sun_family = AF_UNIX;
    std::strncpy(un->sun_path, address.host().c_str(), sizeof un->sun_path - 1);
    size = sizeof *un;
  }
  peer_ = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (peer_ < 0) fail("socket");
  ::setsockopt(peer_, SOL_SOCKET, SO_RCVBUF, &peer_receive_buffer, sizeof peer_receive_buffer);
  // A blocking connect completes once the kernel has queued the connection; the peer may
  // send at once, before the reactor accepts it.
  if (::connect(peer_, reinterpret_cast<sockaddr*>(&storage), size) != 0) fail("connect");
  ::fcntl(peer_, F_SETFL, ::fcntl(peer_, F_GETFL) | O_NONBLOCK);

  // Reads the peer's socket every millisecond, as reactor work.
  struct Tick {
    LiveHarness* harness;
    void operator()() const {
      harness->service_peer();
      harness->service_ = harness->reactor_.call_later(std::chrono::milliseconds(1), *this);
    }
  };
  service_ = reactor_.call_later(std::chrono::milliseconds(1), Tick{this});
}

void LiveHarness::call_in_reactor(unique_function<void()> fn) {
  bool ran = false;
  reactor_.call_soon([&ran, fn = std::move(fn)]() mutable {
    ran = true;
    fn();
  });
  reactor_.run_until([&] { return ran; }, bound);
}

void LiveHarness::service_peer() {
  if (peer_ < 0 || !peer_reading_ || end_ != PeerEnd::open) return;
  char buffer[16 * 1024];
  while (true) {
    const ssize_t got = ::recv(peer_, buffer, sizeof buffer, 0);
    if (got > 0) {
      received_.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0) {
      end_ = PeerEnd::eof;
      return;
    } else if (errno == EINTR) {
      continue;
    } else {
      if (errno == ECONNRESET) end_ = PeerEnd::reset;
      return;
    }
  }
}

void LiveHarness::peer_send(std::string_view data) {
  if (peer_ < 0) return;
  while (!data.empty()) {
    const ssize_t sent = ::send(peer_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent >= 0) {
      data.remove_prefix(static_cast<std::size_t>(sent));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // The kernel is full: let the reactor (and the local side) make room. A bounded wait
      // on the reactor's clock, not a sleep: the reactor runs meanwhile.
      bool turned = false;
      DelayedCall tick = reactor_.call_later(std::chrono::milliseconds(1), [&] { turned = true; });
      reactor_.run_until([&] { return turned; }, bound);
    } else if (errno != EINTR) {
      return;  // the connection is gone: the bytes go nowhere, as in life
    }
  }
}

void LiveHarness::peer_half_close() {
  if (peer_ >= 0) ::shutdown(peer_, SHUT_WR);
}

void LiveHarness::peer_close() {
  service_peer();
  close_peer();
}

// On a Unix socket this is as close as it gets: Unix stream sockets have no reset, and
// SO_LINGER changes nothing; closing one fails the other end's next read with ECONNRESET
// only when unread data was dropped, and gives it a clean end of stream otherwise.
void LiveHarness::peer_reset() {
  if (peer_ < 0) return;
  const linger reset{1, 0};
  ::setsockopt(peer_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  close_peer();
}

void LiveHarness::close_peer() noexcept {
  if (peer_ < 0) return;
  ::close(peer_);
  peer_ = -1;
}

void LiveHarness::peer_stop_reading() { peer_reading_ = false; }

void LiveHarness::peer_resume_reading() {
  peer_reading_ = true;
  service_peer();
}

void LiveHarness::settle() {
  constexpr int quiet_rounds = 3;
  constexpr int max_rounds = 200;
  int quiet = 0;
  for (int round = 0; quiet < quiet_rounds && round < max_rounds; ++round) {
    const std::size_t relayed = relayed_;
    const std::size_t read = received_.size();
    bool marker = false;
    reactor_.call_soon([&marker] { marker = true; });
    reactor_.run_until([&marker] { return marker; }, bound);
    service_peer();
    quiet = relayed == relayed_ && read == received_.size() ? quiet + 1 : 0;
  }
}

bool LiveHarness::run_until(const std::function<bool()>& done) {
  // The peer reads before every check, like a reader that never falls behind: on loopback
  // each read opens the window and the kernel moves what the local side sent at once.
  return reactor_.run_until(
      [&] {
        service_peer();
        return done();
      },
      bound);
}

}  // namespace kit::testing
