// WrappingFactory: a factory that wraps every protocol another factory builds in a
// ProtocolWrapper (Twisted's policies.WrappingFactory), and counts the connections open.
//
// A subclass decides what to wrap with (wrap()) and whether to accept a connection at
// all (build_protocol()); IdleTimeoutFactory and ConnectionLimitFactory are two. Starting
// and stopping it starts and stops the wrapped factory. Wrappers can be stacked:
//
//   auto lines = kit::factory_for<LineProtocol>(max_line);
//   IdleTimeoutFactory idle(*lines, std::chrono::seconds(60));  // on each connection's clock
//   ConnectionLimitFactory limited(idle, 10'000);
//   reactor.listen("tcp:8000", limited);
//
// The factory must outlive every wrapper it built (kit/factory.h asks as much of any
// factory), and the wrapped factory must outlive it.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_WRAPPING_FACTORY_H_
#define KIT_WRAPPING_FACTORY_H_

#include <cstddef>
#include <memory>

#include "kit/address.h"
#include "kit/factory.h"
#include "kit/protocol.h"
#include "kit/protocol_wrapper.h"

namespace kit {

class WrappingFactory : public Factory {
 public:
  explicit WrappingFactory(Factory& wrapped);

  // build_protocol: the wrapped factory's protocol, wrapped by wrap(); nullptr when the
  // wrapped factory refuses the connection.
  std::unique_ptr<Protocol> build_protocol(const Address& peer) override;

  void start_factory() override { wrapped_.do_start(); }
  void stop_factory() override { wrapped_.do_stop(); }

  // open_connections: wrappers built and not yet finished (see ProtocolWrapper).
  std::size_t open_connections() const noexcept { return open_; }

  Factory& wrapped_factory() const noexcept { return wrapped_; }

 protected:
  // wrap: the wrapper for `protocol`; the default passes everything on unchanged.
  // Construct it with this factory so that it is counted.
  virtual std::unique_ptr<ProtocolWrapper> wrap(std::unique_ptr<Protocol> protocol);

 private:
  friend class ProtocolWrapper;
  void wrapper_started() noexcept { ++open_; }
  void wrapper_finished() noexcept { --open_; }

  Factory& wrapped_;
  std::size_t open_ = 0;
};

}  // namespace kit

#endif  // KIT_WRAPPING_FACTORY_H_
