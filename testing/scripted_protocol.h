// ScriptedProtocol: a protocol for tests that writes down what happens to it (its
// callbacks, the bytes it received, why its connection ended) and runs hooks the test
// sets; ScriptedFactory builds one per connection and keeps what each saw.
//
// What a protocol saw is a ConnectionHistory, which may outlive the protocol (a live
// connection destroys its protocol right after connection_lost()), so a test reads it
// once the connection is gone:
//
//   kit::testing::ScriptedProtocol protocol;
//   protocol.on_data = [](ScriptedProtocol& p, std::string_view data) {
//     p.transport()->write(data);
//   };
//   transport.connect(protocol);
//   transport.receive("hi");
//   EXPECT_THAT(protocol.events(), ElementsAre("made", "data:hi"));
//
// Thread safety: the thread of the transport that drives it (the reactor's).
#ifndef KIT_TESTING_SCRIPTED_PROTOCOL_H_
#define KIT_TESTING_SCRIPTED_PROTOCOL_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/address.h"
#include "kit/client_factory.h"
#include "kit/failure.h"
#include "kit/protocol.h"

namespace kit::testing {

// What one connection's protocol saw.
struct ConnectionHistory {
  // The callbacks in order: "made", "data:<bytes>", "read_lost", "stop" and
  // "lost:done" / "lost:aborted" / "lost:lost" (after the errc of the reason; any other
  // reason as "lost:<what()>"). A test may add notes of its own in between.
  std::vector<std::string> events;
  std::vector<std::string> chunks;  // each data_received() piece
  std::string received;             // all of them, in order
  std::optional<Failure> lost;      // the reason given to connection_lost()
  Address peer;                     // transport()->peer() and host() inside connection_lost()
  Address host;
  Transport* transport = nullptr;  // valid from connection_made() until lost

  bool has_lost() const noexcept { return lost.has_value(); }
  // callbacks: the events without their detail, consecutive data as one ("made", "data",
  // "read_lost", "stop", "lost"): what a live test can count on however the bytes came.
  std::vector<std::string> callbacks() const;
};

class ScriptedProtocol : public Protocol {
 public:
  // Hooks: each runs after the event is written down; unset ones do Protocol's default
  // (read_connection_lost() and stop_requested() close after pending writes).
  std::function<void(ScriptedProtocol&)> on_made;
  std::function<void(ScriptedProtocol&, std::string_view)> on_data;
  std::function<void(ScriptedProtocol&)> on_read_lost;
  std::function<void(ScriptedProtocol&)> on_stop;
  std::function<void(ScriptedProtocol&, const Failure&)> on_lost;

  // A protocol with a history of its own, or writing into `history`.
  ScriptedProtocol() : ScriptedProtocol(std::make_shared<ConnectionHistory>()) {}
  explicit ScriptedProtocol(std::shared_ptr<ConnectionHistory> history)
      : history_(std::move(history)) {}

  ConnectionHistory& history() noexcept { return *history_; }
  const ConnectionHistory& history() const noexcept { return *history_; }
  // Shortcuts into the history.
  std::vector<std::string>& events() noexcept { return history_->events; }
  const std::vector<std::string>& chunks() const noexcept { return history_->chunks; }
  const std::string& received() const noexcept { return history_->received; }

  // request: runs `fn` on the transport (a close, a write from outside any callback),
  // counting the events that came from inside it: a transport that promises to call back
  // later must leave callbacks_inside_requests() at 0.
  void request(const std::function<void(Transport&)>& fn);
  void lose_connection() {
    request([](Transport& t) { t.lose_connection(); });
  }
  void abort_connection() {
    request([](Transport& t) { t.abort_connection(); });
  }
  std::size_t callbacks_inside_requests() const noexcept { return inside_requests_; }

  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void stop_requested() override;
  void connection_lost(const Failure& reason) override;

 private:
  std::shared_ptr<ConnectionHistory> history_;
  std::size_t inside_requests_ = 0;
};

// Builds a ScriptedProtocol per connection, set up by `configure`, and keeps the
// histories. As a client factory it writes down failures and losses too.
class ScriptedFactory : public ClientFactory {
 public:
  std::function<void(ScriptedProtocol&)> configure;
  // Called from client_connection_failed / client_connection_lost after recording.
  std::function<void(Connector&, const Failure&)> on_failed;
  std::function<void(Connector&, const Failure&)> on_client_lost;

  std::vector<std::shared_ptr<ConnectionHistory>> histories;
  std::vector<Failure> failures;     // client_connection_failed reasons
  std::vector<Failure> client_lost;  // client_connection_lost reasons
  int started = 0;                   // start_factory calls
  int stopped = 0;                   // stop_factory calls
  int attempts = 0;                  // started_connecting calls

  std::unique_ptr<Protocol> build_protocol(const Address& peer) override;
  void start_factory() override { ++started; }
  void stop_factory() override { ++stopped; }
  void started_connecting(Connector&) override { ++attempts; }
  void client_connection_failed(Connector& connector, const Failure& reason) override;
  void client_connection_lost(Connector& connector, const Failure& reason) override;

  // For waits: the number of connections made, and of those lost.
  std::size_t made() const noexcept { return histories.size(); }
  std::size_t lost() const noexcept;
  // The history of the only (or first) connection; null if none yet.
  ConnectionHistory* first() const noexcept {
    return histories.empty() ? nullptr : histories.front().get();
  }
};

}  // namespace kit::testing

#endif  // KIT_TESTING_SCRIPTED_PROTOCOL_H_
