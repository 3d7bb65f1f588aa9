// Clients for live tests: connect to a server on loopback, send, collect what comes
// back, and wait for the end with a bound (never a sleep).
//
//   kit::live::LiveReactor reactor;
//   auto port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);
//   kit::testing::LiveClient client(reactor, kit::testing::endpoint_of(*port), "hi\nquit\n");
//   ASSERT_TRUE(client.wait_closed(std::chrono::seconds(10)));
//   EXPECT_EQ(client.received(), "You said: hi\r\nGoodbye.\r\n");
//
// Thread safety: the reactor's thread (the test's).
#ifndef KIT_TESTING_LIVE_LIVE_CLIENT_H_
#define KIT_TESTING_LIVE_LIVE_CLIENT_H_

#include <memory>
#include <optional>
#include <string>

#include "kit/client_factory.h"
#include "kit/endpoint.h"
#include "kit/failure.h"
#include "kit/listening_port.h"
#include "kit/live/live_reactor.h"
#include "kit/time.h"

namespace kit::testing {

// endpoint_of: the client endpoint that reaches `port` (tcp or unix).
Endpoint endpoint_of(const ListeningPort& port);

class LiveClient {
 public:
  struct Options {
    // half_close: after sending, shut down our sending direction (the server sees EOF).
    bool half_close = false;
  };

  // Connects at once and sends `input` when connected.
  LiveClient(live::LiveReactor& reactor, const Endpoint& server, std::string input,
             Options options);
  LiveClient(live::LiveReactor& reactor, const Endpoint& server, std::string input)
      : LiveClient(reactor, server, std::move(input), Options{}) {}
  LiveClient(const LiveClient&) = delete;
  LiveClient& operator=(const LiveClient&) = delete;
  ~LiveClient();

  // wait_closed: runs the reactor until the connection has ended (or the attempt
  // failed); false when `timeout` passed first.
  bool wait_closed(Duration timeout);
  // wait_received: runs the reactor until at least `bytes` bytes came back.
  bool wait_received(std::size_t bytes, Duration timeout);

  const std::string& received() const;
  // ended: the connection ended or could not be made. reason: why.
  bool ended() const;
  const std::optional<Failure>& reason() const;
  // connected: the connection was made (whatever happened after).
  bool connected() const;

  // send: writes more on the open connection (no-op once it ended).
  void send(std::string_view data);

  struct State;

 private:
  live::LiveReactor& reactor_;
  std::shared_ptr<State> state_;
  std::unique_ptr<ClientFactory> factory_;
  std::shared_ptr<Connector> connector_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_LIVE_LIVE_CLIENT_H_
