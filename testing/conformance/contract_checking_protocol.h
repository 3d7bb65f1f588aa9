// ContractCheckingProtocol: the protocol the transport conformance suite runs on a transport. It
// records every callback and checks, as each one arrives, the order kit/transport.h
// promises, so a transport that breaks a promise is caught whenever it does, not only
// where a test looks.
//
// What it checks (each breach is kept in violations(), with the callback that broke it):
//  - exactly one connection_made(), first, with a transport and with peer() and host()
//    set; nothing after connection_lost(); at most one read_connection_lost(), and no
//    data_received() after it (promise 1);
//  - no callback from inside lose_connection(), abort_connection() or half_close() made
//    through it (promise 5);
//  - peer() and host() inside connection_lost() equal to what they were in
//    connection_made() (promise 6);
//  - no data_received() while reading is paused through it (promise 8).
//
// The suite acts through its request functions (write, lose_connection, ...) rather than
// the transport, so those checks know what was asked. Tests script its behaviour with the
// on_* hooks, which run inside the callbacks after they are recorded.
//
// Thread safety: the thread of the transport that drives it.
#ifndef KIT_TESTING_CONFORMANCE_CONTRACT_CHECKING_PROTOCOL_H_
#define KIT_TESTING_CONFORMANCE_CONTRACT_CHECKING_PROTOCOL_H_

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kit/address.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "kit/transport.h"

namespace kit::testing {

struct ProtocolEvent {
  enum class Kind { connection_made, data_received, read_connection_lost, connection_lost };

  Kind kind;
  std::string data;               // data_received: the bytes
  std::optional<Failure> reason;  // connection_lost: the reason
};

class ContractCheckingProtocol : public Protocol {
 public:
  ContractCheckingProtocol() = default;
  ContractCheckingProtocol(const ContractCheckingProtocol&) = delete;
  ContractCheckingProtocol& operator=(const ContractCheckingProtocol&) = delete;

  // ---- scripting: each runs inside its callback, after the callback is recorded
  std::function<void()> on_connection_made;
  std::function<void(std::string_view data)> on_data_received;
  // on_read_connection_lost: when empty, Protocol's default runs (close after writes).
  std::function<void()> on_read_connection_lost;
  std::function<void(const Failure& reason)> on_connection_lost;

  // ---- Protocol
  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;

  // ---- requests, as the protocol makes them. Only between connection_made() and
  // connection_lost(): outside that the transport may be gone, and they throw
  // std::logic_error (a bug in the test, not in the transport).
  void write(std::string_view data);
  void write_sequence(std::span<const std::string_view> pieces);
  void lose_connection();
  void abort_connection();
  void half_close();
  void pause_reading();
  void resume_reading();
  // connected_transport: the transport, for the requests not listed above; throws
  // std::logic_error outside the connection like them.
  Transport& connected_transport() const;

  // ---- what happened
  const std::vector<ProtocolEvent>& events() const noexcept { return events_; }
  // history: the events in one line, for failure messages:
  // "connection_made, data_received(5 bytes), connection_lost(connection_done)".
  std::string history() const;
  // received: the bytes of every data_received(), joined.
  const std::string& received() const noexcept { return received_; }
  std::size_t count(ProtocolEvent::Kind kind) const noexcept {
    return counts_[static_cast<std::size_t>(kind)];
  }
  bool made() const noexcept { return count(ProtocolEvent::Kind::connection_made) > 0; }
  bool read_lost() const noexcept { return count(ProtocolEvent::Kind::read_connection_lost) > 0; }
  bool lost() const noexcept { return lost_reason_.has_value(); }
  // connected: connection_made() came and connection_lost() did not yet.
  bool connected() const noexcept { return made() && !lost(); }
  // lost_reason: what connection_lost() was given (the first time, if it came twice).
  const std::optional<Failure>& lost_reason() const noexcept { return lost_reason_; }
  bool reading_paused() const noexcept { return reading_paused_; }
  // The addresses the transport reported inside connection_made() and connection_lost().
  const Address& peer_when_made() const noexcept { return peer_when_made_; }
  const Address& host_when_made() const noexcept { return host_when_made_; }
  const Address& peer_when_lost() const noexcept { return peer_when_lost_; }
  const Address& host_when_lost() const noexcept { return host_when_lost_; }
  // violations: each broken promise, in the order they happened.
  const std::vector<std::string>& violations() const noexcept { return violations_; }

 private:
  // Records `event` and checks the promises that hold for every callback.
  void record(ProtocolEvent event, const char* callback);
  void violation(std::string what);
  // Runs a close request, marking it so a callback from inside it is caught.
  template <typename Request>
  void close_request(const char* name, Request request);

  std::vector<ProtocolEvent> events_;
  std::array<std::size_t, 4> counts_{};  // by ProtocolEvent::Kind
  std::string received_;
  std::optional<Failure> lost_reason_;
  std::vector<std::string> violations_;
  const char* inside_request_ = nullptr;
  bool reading_paused_ = false;
  Address peer_when_made_;
  Address host_when_made_;
  Address peer_when_lost_;
  Address host_when_lost_;
};

// to_string: "connection_made", "data_received", "read_connection_lost",
// "connection_lost".
std::string_view to_string(ProtocolEvent::Kind kind) noexcept;

}  // namespace kit::testing

#endif  // KIT_TESTING_CONFORMANCE_CONTRACT_CHECKING_PROTOCOL_H_
