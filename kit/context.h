// Context: the clock, randomness and thread pool a protocol uses, reached through its
// transport (Transport::context(); Protocol::clock(), random() and thread_pool() for short).
//
// Why through the transport, and not a context a factory hands to each protocol: a layer
// sits between a transport and a protocol (kit/protocol_wrapper.h), and it is layers that
// must see these values -- the session recorder writes down every time a protocol read
// the clock or drew a random value, and a replayer hands the same values back -- so the
// route has to pass through the same object a layer already stands in for. A wrapper
// passes its lower transport's context up by default and may put its own in its place;
// the protocol's code does not change. No global is involved: the live reactor's
// connections give the reactor's context, StringTransport gives a fake one, and each
// layer decides for the connection it wraps. A protocol reads its context from
// connection_made() on (the transport is not known before); a value drawn in a
// constructor would escape every layer.
//
// Thread safety: the reactor's thread, as for the transport.
#ifndef KIT_CONTEXT_H_
#define KIT_CONTEXT_H_

#include "kit/clock.h"
#include "kit/random.h"
#include "kit/thread_pool.h"

namespace kit {

class Context {
 public:
  virtual ~Context() = default;

  // clock: now() and call_later() for this connection.
  virtual Clock& clock() = 0;
  // random: random bytes and numbers for this connection.
  virtual Random& random() = 0;
  // thread_pool: where blocking work runs (with kit::defer_to_thread).
  virtual ThreadPool& thread_pool() = 0;
};

// BasicContext: a Context made of three objects that outlive it.
class BasicContext final : public Context {
 public:
  BasicContext(Clock& clock, Random& random, ThreadPool& thread_pool)
      : clock_(clock), random_(random), thread_pool_(thread_pool) {}

  Clock& clock() override { return clock_; }
  Random& random() override { return random_; }
  ThreadPool& thread_pool() override { return thread_pool_; }

 private:
  Clock& clock_;
  Random& random_;
  ThreadPool& thread_pool_;
};

}  // namespace kit

#endif  // KIT_CONTEXT_H_
