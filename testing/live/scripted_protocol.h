// ScriptedProtocol: a protocol for the live tests that records what happens to it and
// runs hooks the test sets, and ScriptedFactory, which builds one per connection.
//
// The record outlives the protocol (a live connection destroys its protocol right after
// connection_lost()), so a test reads it once the connection is gone.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_TESTING_LIVE_SCRIPTED_PROTOCOL_H_
#define KIT_TESTING_LIVE_SCRIPTED_PROTOCOL_H_

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
struct Record {
  // "made", "data", "read_lost", "stop", "lost", in order (consecutive "data" kept apart).
  std::vector<std::string> events;
  std::string received;
  std::optional<Failure> lost;  // the reason given to connection_lost()
  Address peer;                 // transport()->peer() and host() inside connection_lost()
  Address host;
  Transport* transport = nullptr;  // valid until lost

  bool has_lost() const noexcept { return lost.has_value(); }
};

class ScriptedProtocol : public Protocol {
 public:
  // Hooks: each runs after the event is recorded; unset ones do the default.
  std::function<void(ScriptedProtocol&)> on_made;
  std::function<void(ScriptedProtocol&, std::string_view)> on_data;
  std::function<void(ScriptedProtocol&)> on_read_lost;  // default: lose_connection()
  std::function<void(ScriptedProtocol&)> on_stop;       // default: lose_connection()
  std::function<void(ScriptedProtocol&, const Failure&)> on_lost;

  explicit ScriptedProtocol(std::shared_ptr<Record> record) : record_(std::move(record)) {}

  Record& record() { return *record_; }

  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void stop_requested() override;
  void connection_lost(const Failure& reason) override;

 private:
  std::shared_ptr<Record> record_;
};

// Builds a ScriptedProtocol per connection, set up by `configure`, and keeps the records.
// As a client factory it records failures and losses too.
class ScriptedFactory : public ClientFactory {
 public:
  std::function<void(ScriptedProtocol&)> configure;
  // Called from client_connection_failed / client_connection_lost after recording.
  std::function<void(Connector&, const Failure&)> on_failed;
  std::function<void(Connector&, const Failure&)> on_client_lost;

  std::vector<std::shared_ptr<Record>> records;
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

  // Helpers for waits: the number of connections made, and of those lost.
  std::size_t made() const noexcept { return records.size(); }
  std::size_t lost() const noexcept;
  // The record of the only (or first) connection; null if none yet.
  Record* first() const noexcept { return records.empty() ? nullptr : records.front().get(); }
};

}  // namespace kit::testing

#endif  // KIT_TESTING_LIVE_SCRIPTED_PROTOCOL_H_
