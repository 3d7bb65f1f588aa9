// ProtocolWrapper: a layer between a transport and a protocol -- a Transport to the
// protocol above it and a Protocol to the transport below it (Twisted's
// policies.ProtocolWrapper, on which its TLSMemoryBIOProtocol is built).
//
// The one supported way to stack things on a connection: TLS, the session recorder,
// fault injection, HTTP body delivery and the idle-timeout and connection-limit policies
// are all wrappers. On its own a wrapper changes nothing: every callback from below is
// passed up to the wrapped protocol, and every request from above is passed down. A
// subclass overrides what it wants to watch or change and calls the base to pass it on.
//
// It keeps every promise of kit/transport.h in both directions, as long as the transport
// below keeps them, and three stacked wrappers behave like one transport (the conformance
// suite checks stacks over every transport of the kit):
//  - Callbacks go up in the order they come, connection_lost() last and once.
//  - disconnecting() is asked of the transport below, never copied from it, so a close
//    requested anywhere in the stack shows at every level at once.
//  - peer(), host(), half_close(), paused reading, back-pressure and context() are the
//    transport's below, unless a subclass says otherwise (a recorder gives its own
//    context, which writes down what the protocol draws).
//  - Flow control passes through the layer, not around it: a producer registered above
//    is held by the wrapper, and a producer of the wrapper's own -- the membrane --
//    is what the transport below pauses, resumes and stops; the membrane passes each call
//    up (pause_above(), resume_above(), stop_above(), which a subclass may override, say
//    to keep a producer paused while it holds bytes of its own). write_buffer_size()
//    above adds what the layer holds itself (buffered_here()) to what waits below.
//
// A wrapper made by a WrappingFactory tells it when the connection is over (when
// connection_lost() has been passed on, or when the wrapper is destroyed unconnected), so
// the factory can count open connections.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOL_WRAPPER_H_
#define KIT_PROTOCOL_WRAPPER_H_

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "kit/address.h"
#include "kit/context.h"
#include "kit/failure.h"
#include "kit/producer.h"
#include "kit/protocol.h"
#include "kit/transport.h"

namespace kit {

class WrappingFactory;

class ProtocolWrapper : public Protocol, public Transport {
 public:
  // `wrapped` must not be null. `factory`, if any, must outlive the wrapper.
  explicit ProtocolWrapper(std::unique_ptr<Protocol> wrapped, WrappingFactory* factory = nullptr);
  ProtocolWrapper(const ProtocolWrapper&) = delete;
  ProtocolWrapper& operator=(const ProtocolWrapper&) = delete;
  ~ProtocolWrapper() override;

  // wrapped: the protocol above.
  Protocol& wrapped() const noexcept { return *wrapped_; }
  // lower: the transport below (from connection_made() on).
  Transport& lower() const noexcept { return *transport(); }
  // producer_above: the producer registered above, or nullptr.
  Producer* producer_above() const noexcept { return producer_above_; }

  // ---- Protocol: from the transport below, passed up to the wrapped protocol.
  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;
  void stop_requested() override;

  // ---- Transport: from the protocol above, passed down.
  void write(std::string_view data) override;
  void write_sequence(std::span<const std::string_view> pieces) override;
  void lose_connection() override;
  void abort_connection() override;
  void half_close() override;
  Address peer() const override;
  Address host() const override;
  void pause_reading() override;
  void resume_reading() override;
  void register_producer(Producer& producer) override;
  void unregister_producer() override;
  std::size_t write_buffer_size() const override;
  void set_write_buffer_limits(std::size_t high, std::size_t low) override;
  void set_back_pressure(bool on) override;
  bool disconnecting() const override;
  Context& context() override;

 protected:
  // buffered_here: bytes written from above that this layer holds and has not passed
  // down yet (0 for a layer that passes every write on at once).
  virtual std::size_t buffered_here() const { return 0; }

  // The membrane's calls from below, passed to the producer above (if any).
  virtual void pause_above();
  virtual void resume_above();
  virtual void stop_above();

 private:
  class Membrane final : public Producer {
   public:
    explicit Membrane(ProtocolWrapper& wrapper) : wrapper_(wrapper) {}
    void pause_producing() override { wrapper_.pause_above(); }
    void resume_producing() override { wrapper_.resume_above(); }
    void stop_producing() override { wrapper_.stop_above(); }

   private:
    ProtocolWrapper& wrapper_;
  };

  void finish() noexcept;

  std::unique_ptr<Protocol> wrapped_;
  WrappingFactory* factory_;
  Membrane membrane_{*this};
  Producer* producer_above_ = nullptr;
  bool lost_ = false;
};

}  // namespace kit

#endif  // KIT_PROTOCOL_WRAPPER_H_
