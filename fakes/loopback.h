// Loopback: two protocols joined in memory, so a client and a server are tested together
// with no sockets (Twisted's iosim).
//
//   EchoServer server;
//   EchoClient client;
//   kit::fakes::LoopbackPair pair(client, server, {.seed = 7, .max_chunk = 3});
//   client.send("hello");
//   pair.pump();  // moves bytes both ways until nothing is left
//
// Each side has a LoopbackTransport, and bytes move only when the test calls pump() or
// step(), so nothing is ever delivered from inside a protocol's own request. The
// transports keep the promises of kit/transport.h:
//
//  - Writes wait in the writer's buffer (write_buffer_size()) until the pump moves them.
//    A registered producer is paused above the high-water mark and resumed at the low
//    one as the pump drains the buffer; a small bytes_per_step makes that observable.
//  - Moved bytes reach the peer re-chunked: with max_chunk > 0 in pieces of 1..max_chunk
//    bytes drawn from `seed` (the same seed gives the same pieces), so a protocol cannot
//    rely on one write arriving as one data_received(). Without it, everything moved in
//    one step arrives in one piece, writes coalesced.
//  - pause_reading() leaves the bytes in the writer's buffer, as a full kernel buffer
//    would, so the writer's water marks see it. A paused side hears nothing (data, EOF,
//    close) until resume_reading(). Back-pressure (promise 9) holds a side's reading the
//    same way while its own write buffer is above the high-water mark.
//  - Both sides share one context (clock, randomness, thread pool): options.context, or
//    a FakeContext of the pair's own on options.clock (or a clock of its own).
//  - lose_connection(): once the writer's buffer has drained, it hears
//    connection_lost(errc::connection_done) and so does its peer. abort_connection():
//    the buffer is dropped; at the next step the aborting side hears
//    errc::connection_aborted and the peer errc::connection_lost (a reset), even a peer
//    that was closing: its pending bytes are dropped, so its close was no clean one.
//    half_close(): once the buffer has drained the peer hears read_connection_lost();
//    when both directions are shut, both hear errc::connection_done. A side that is
//    closing reads no more: bytes sent to it are dropped.
//
// pump() stops when a step moves nothing; a pair that never settles (two protocols that
// answer each other forever) makes it throw LoopbackRunaway, naming the pair.
//
// Thread safety: the test's thread. The protocols must outlive the pair, and must not
// call pump() or step() from their callbacks.
#ifndef KIT_FAKES_LOOPBACK_H_
#define KIT_FAKES_LOOPBACK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fakes/fake_context.h"
#include "kit/address.h"
#include "kit/connection_state.h"
#include "kit/context.h"
#include "kit/failure.h"
#include "kit/flow_control.h"
#include "kit/protocol.h"
#include "kit/transport.h"

namespace kit::fakes {

class FakeClock;

class LoopbackRunaway : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoopbackOptions {
  // Re-chunking: each delivery is cut into pieces of 1..max_chunk bytes drawn from
  // `seed`; 0 delivers what one step moved in one piece.
  std::uint64_t seed = 0;
  std::size_t max_chunk = 0;
  // How many bytes one step moves each way; 0 moves everything buffered.
  std::size_t bytes_per_step = 0;
  // pump() throws LoopbackRunaway after this many steps in a row that did something.
  // A long transfer with a small bytes_per_step needs a larger value.
  std::size_t max_rounds = 100'000;
  Address client_address = Address::memory("client");
  Address server_address = Address::memory("server");
  // When set, every step also runs what is due on this clock now (advance(0)), so work a
  // protocol defers with call_later(0) takes part in the exchange.
  FakeClock* clock = nullptr;
  // The protocols' context; when null, a FakeContext of the pair's, on `clock` if set.
  Context* context = nullptr;
};

class LoopbackPair;

// LoopbackTransport: one side of a LoopbackPair.
class LoopbackTransport final : public Transport {
 public:
  LoopbackTransport(const LoopbackTransport&) = delete;
  LoopbackTransport& operator=(const LoopbackTransport&) = delete;

  // connected: connection_lost() has not been delivered yet.
  bool connected() const noexcept { return !state_.is_lost(); }
  // lost_reason: what connection_lost() was given, once it was.
  const std::optional<Failure>& lost_reason() const noexcept { return lost_reason_; }
  bool reading_paused() const noexcept { return state_.paused(); }
  bool reading_throttled() const noexcept { return flow_.throttled(); }
  Producer* producer() const noexcept { return flow_.producer(); }
  bool producer_paused() const noexcept { return flow_.paused(); }

  // ---- Transport
  void write(std::string_view data) override;
  void lose_connection() override;
  void abort_connection() override;
  void half_close() override;
  Address peer() const override { return peer_; }
  Address host() const override { return host_; }
  void pause_reading() override { state_.pause_reading(); }
  void resume_reading() override { state_.resume_reading(); }
  void register_producer(Producer& producer) override;
  void unregister_producer() override;
  std::size_t write_buffer_size() const override { return out_.size() - out_begin_; }
  void set_write_buffer_limits(std::size_t high, std::size_t low) override;
  void set_back_pressure(bool on) override;
  bool disconnecting() const override { return state_.disconnecting(); }
  Context& context() override { return context_; }

 private:
  friend class LoopbackPair;
  LoopbackTransport(Protocol& protocol, Address host, Address peer, Context& context);

  // take_out: removes up to `max` bytes from the front of the write buffer.
  std::string take_out(std::size_t max);
  // put_back: returns bytes taken but not delivered to the front of the write buffer.
  void put_back(std::string_view bytes);
  void drop_out();
  void update_producer();
  // reading: whether bytes and events from the peer can be delivered now.
  bool reading() const noexcept {
    return !state_.is_lost() && !state_.paused() && !flow_.throttled();
  }

  Protocol& protocol_;
  Address host_;
  Address peer_;
  Context& context_;
  std::string out_;
  std::size_t out_begin_ = 0;  // out_ before it was delivered already
  // write_is_shut(): our half-close went through, the peer has (or will get) EOF;
  // eof_received(): the peer's half-close reached us.
  ConnectionState state_;
  bool pending_eof_ = false;
  std::optional<Failure> pending_lost_;  // the peer closed or reset; for us to hear
  std::optional<Failure> lost_reason_;
  FlowControl flow_;
};

class LoopbackPair {
 public:
  // Connects `server`, then `client` (each hears connection_made()), as iosim does.
  LoopbackPair(Protocol& client, Protocol& server, LoopbackOptions options = {});
  LoopbackPair(const LoopbackPair&) = delete;
  LoopbackPair& operator=(const LoopbackPair&) = delete;

  // pump: steps until a step does nothing; returns how many did something. Throws
  // LoopbackRunaway after options.max_rounds of them.
  std::size_t pump();

  // step: one round: aborts take effect; up to bytes_per_step bytes move client to
  // server, then server to client; closes and half-closes whose buffer drained go
  // through; waiting EOFs and closes reach readers; what is due on the clock runs.
  // Returns whether anything happened. Throws std::logic_error from a protocol callback.
  bool step();

  LoopbackTransport& client_transport() noexcept { return client_; }
  LoopbackTransport& server_transport() noexcept { return server_; }
  // name: "memory:client <-> memory:server", the addresses of the two sides.
  const std::string& name() const noexcept { return name_; }

 private:
  bool abort_if_requested(LoopbackTransport& side, LoopbackTransport& peer);
  bool transfer(LoopbackTransport& from, LoopbackTransport& to);
  void deliver(LoopbackTransport& from, LoopbackTransport& to, const std::string& data);
  bool complete_close(LoopbackTransport& side, LoopbackTransport& peer);
  bool deliver_peer_events(LoopbackTransport& side);
  bool run_clock();
  static void finish(LoopbackTransport& side, Failure reason);

  LoopbackOptions options_;
  std::unique_ptr<FakeContext> own_context_;  // when options_.context is null
  LoopbackTransport client_;
  LoopbackTransport server_;
  std::string name_;
  std::mt19937_64 chunking_;
  bool stepping_ = false;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_LOOPBACK_H_
