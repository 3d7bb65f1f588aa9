// Protocol: the state machine of one connection, written against Transport.
//
// A protocol reacts to its transport's events (connection_made, data_received,
// read_connection_lost, connection_lost) and acts by calling the transport. It never
// touches a socket or the system clock, so the same object runs on StringTransport and a
// FakeClock in a unit test and on the live reactor in production. See transport.h for
// the order of events every transport guarantees.
//
// Time, randomness and threads come through the transport too (kit/context.h): clock(),
// random() and thread_pool() below are the connection's, so a layer can record or replay
// them and a test controls them with the fakes.
//
// Lifetime: a live connection owns its protocol and destroys it right after
// connection_lost() returns. transport() is valid from connection_made() until then.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOL_H_
#define KIT_PROTOCOL_H_

#include <string_view>

#include "kit/failure.h"
#include "kit/transport.h"

namespace kit {

class Protocol {
 public:
  virtual ~Protocol() = default;

  // make_connection: attaches the protocol to `transport` and calls connection_made().
  // Transports call this once; tests call it with a StringTransport.
  void make_connection(Transport& transport);

  // connection_made: the connection is up; transport() is set.
  virtual void connection_made() {}

  // data_received: bytes arrived, in chunks of any size: one write by the peer may arrive
  // as several calls and several writes as one. The view is valid during the call only.
  virtual void data_received(std::string_view data) { (void)data; }

  // read_connection_lost: the peer will send nothing more (it half-closed). The default
  // closes our side too, after pending writes: override it to keep writing (Twisted's
  // IHalfCloseableProtocol).
  virtual void read_connection_lost() { transport()->lose_connection(); }

  // connection_lost: the connection is gone, for `reason` (see transport.h). Last call.
  virtual void connection_lost(const Failure& reason) { (void)reason; }

  // stop_requested: the server is shutting down gracefully (SIGTERM with a grace
  // period). Finish the work in hand, then close. The default closes once pending writes
  // are sent. Connections still open when the grace period ends are aborted.
  virtual void stop_requested() { transport()->lose_connection(); }

  Transport* transport() const noexcept { return transport_; }

  // context, clock, random, thread_pool: the connection's (Transport::context()), from
  // connection_made() on.
  Context& context() const { return transport_->context(); }
  Clock& clock() const { return context().clock(); }
  Random& random() const { return context().random(); }
  ThreadPool& thread_pool() const { return context().thread_pool(); }

 private:
  Transport* transport_ = nullptr;
};

}  // namespace kit

#endif  // KIT_PROTOCOL_H_
