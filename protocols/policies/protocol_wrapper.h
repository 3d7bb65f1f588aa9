// ProtocolWrapper: a protocol that stands between a transport and another protocol, and
// is that protocol's transport (Twisted's policies.ProtocolWrapper).
//
// Every Protocol callback it gets is passed on to the wrapped protocol, and every
// Transport call the wrapped protocol makes is passed on to the real transport, so on its
// own it changes nothing; a subclass overrides the calls it wants to watch or change
// (count bytes, note activity, close on a timer) and calls the base to pass them on.
//
// disconnecting() of the wrapper follows the real transport's: it turns true when the
// wrapped protocol (or the subclass) closes, and it is brought up to date with the real
// transport before every callback passed on, so a protocol that checks it between lines
// sees a close requested below the wrapper too.
//
// A wrapper made by a WrappingFactory tells it when the connection is over (when
// connection_lost() has been passed on, or when the wrapper is destroyed unconnected), so
// the factory can count open connections.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_POLICIES_PROTOCOL_WRAPPER_H_
#define KIT_PROTOCOLS_POLICIES_PROTOCOL_WRAPPER_H_

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "kit/address.h"
#include "kit/failure.h"
#include "kit/producer.h"
#include "kit/protocol.h"
#include "kit/transport.h"

namespace kit::protocols {

class WrappingFactory;

class ProtocolWrapper : public Protocol, public Transport {
 public:
  // `wrapped` must not be null. `factory`, if any, must outlive the wrapper.
  explicit ProtocolWrapper(std::unique_ptr<Protocol> wrapped, WrappingFactory* factory = nullptr);
  ProtocolWrapper(const ProtocolWrapper&) = delete;
  ProtocolWrapper& operator=(const ProtocolWrapper&) = delete;
  ~ProtocolWrapper() override;

  Protocol& wrapped() const noexcept { return *wrapped_; }

  // ---- Protocol: passed on to the wrapped protocol, which has this wrapper as transport.
  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;
  void stop_requested() override;

  // ---- Transport: passed on to the real transport.
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

 protected:
  // sync_disconnecting: brings disconnecting() up to date with the real transport.
  void sync_disconnecting() noexcept;

 private:
  void finish() noexcept;

  std::unique_ptr<Protocol> wrapped_;
  WrappingFactory* factory_;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_POLICIES_PROTOCOL_WRAPPER_H_
