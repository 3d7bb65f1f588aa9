// Transport: one connection, as its protocol sees it.
//
// The transport delivers the connection's events to its Protocol and carries out the
// protocol's requests. Every transport of the kit (live TCP and Unix sockets, the fakes'
// StringTransport and loopback pair) keeps these promises, and the conformance suite in
// testing/conformance/transport_conformance.h checks them on each:
//
//  1. Order. The protocol gets exactly one connection_made() before anything else, then
//     data_received() zero or more times, at most one read_connection_lost(), and exactly
//     one connection_lost() last. No callback follows connection_lost().
//  2. lose_connection() sends everything written before it, then closes; the protocol
//     hears connection_lost(errc::connection_done). Nothing written after it is sent.
//     Input that arrived but was not read does not turn the close into a reset: the
//     peer reads everything sent, then the end of the stream.
//  3. abort_connection() closes now, discarding unsent data; nothing written before or
//     after it that was still buffered is sent. The protocol hears
//     connection_lost(errc::connection_aborted).
//  4. A connection that breaks (reset, broken pipe) gives connection_lost with
//     errc::connection_lost or the system error that caused it. A connection whose two
//     directions are both shut cleanly (the peer's EOF and our half_close(), in either
//     order, after our pending writes) ends with errc::connection_done.
//  5. Close requests never call back into the protocol from inside the request:
//     connection_lost() comes later, from the reactor (or the fake's pump).
//  6. peer() and host() are set from connection_made() on and stay valid, unchanged,
//     until connection_lost() has returned.
//  7. Flow control: a registered producer is paused inside the write() that takes
//     write_buffer_size() above the high-water mark, and resumed when it falls to the
//     low-water mark or below. It is stopped (stop_producing) before connection_lost().
//  8. pause_reading() stops data_received() until resume_reading(); data that arrives
//     meanwhile waits (in the kernel for live transports).
//  9. Back-pressure by default: while no producer is registered, the transport is its
//     own -- a data_received() that leaves write_buffer_size() above the high-water mark
//     stops reading until the buffer falls to the low one -- so a peer that sends and
//     never reads cannot make any protocol buffer its answers without bound. Writes made
//     elsewhere (connection_made(), a timer) do not stop reading, so a protocol that
//     writes a large request and then reads the answer cannot deadlock against a peer
//     doing the same. It is apart from pause_reading(): neither undoes the other.
//     set_back_pressure(false) turns it off for a protocol that bounds its output some
//     other way; a registered producer replaces it.
// 10. context() is the same object from connection_made() until connection_lost() has
//     returned (see kit/context.h).
// 11. Close requests repeat harmlessly. A second lose_connection() or half_close(), or any
//     of them after connection_lost(), does nothing. abort_connection() after
//     lose_connection() drops what is still unsent and the reason becomes
//     connection_aborted, unless connection_lost() was already delivered.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_TRANSPORT_H_
#define KIT_TRANSPORT_H_

#include <cstddef>
#include <span>
#include <string_view>

#include "kit/address.h"
#include "kit/context.h"
#include "kit/producer.h"

namespace kit {

class Transport : public Producer {
 public:
  static constexpr std::size_t default_high_water = 64 * 1024;
  static constexpr std::size_t default_low_water = 16 * 1024;

  // write: sends `data` (binary-safe) after anything written before. Never blocks and
  // never refuses: what cannot be sent at once is buffered (promises 7 and 9 say how
  // that stays bounded). Ignored once disconnecting() or half-closed.
  virtual void write(std::string_view data) = 0;

  // write_sequence: write() of each piece in order, possibly in one system call.
  virtual void write_sequence(std::span<const std::string_view> pieces);

  // lose_connection: closes after everything written so far has been sent.
  virtual void lose_connection() = 0;

  // abort_connection: closes now; unsent data is dropped.
  virtual void abort_connection() = 0;

  // half_close: after everything written so far has been sent, shuts down the sending
  // direction (TCP FIN); reading goes on until the peer closes. Twisted's
  // loseWriteConnection. Writes after it are ignored.
  virtual void half_close() = 0;

  // peer: the other end. host: this end.
  virtual Address peer() const = 0;
  virtual Address host() const = 0;

  // pause_reading / resume_reading: stop and restart delivery of data_received().
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;

  // register_producer: `producer` writes to this transport and is paused and resumed by
  // the write buffer's water marks, and stopped when the connection goes away. One at a
  // time; it must stay alive until unregister_producer() or connection_lost().
  virtual void register_producer(Producer& producer) = 0;
  virtual void unregister_producer() = 0;

  // write_buffer_size: bytes written but not yet handed to the system (or the peer).
  virtual std::size_t write_buffer_size() const = 0;

  // set_write_buffer_limits: the water marks for the producer (low <= high).
  virtual void set_write_buffer_limits(std::size_t high, std::size_t low) = 0;

  // set_back_pressure: whether reading stops while the write buffer is above the
  // high-water mark and no producer is registered (promise 9; on by default).
  virtual void set_back_pressure(bool on) = 0;

  // disconnecting: lose_connection() or abort_connection() was called, or the connection
  // is gone. Protocols that loop over buffered input stop when it turns true. A layer
  // answers for the whole stack below it.
  virtual bool disconnecting() const = 0;

  // context: the clock, randomness and thread pool of this connection (promise 10).
  virtual Context& context() = 0;

  // A transport produces what it reads: pausing it pauses reading, stopping it closes.
  void pause_producing() override { pause_reading(); }
  void resume_producing() override { resume_reading(); }
  void stop_producing() override { lose_connection(); }
};

}  // namespace kit

#endif  // KIT_TRANSPORT_H_
