// ConnectionLimitFactory: refuses connections beyond a number open at once (`protokit
// serve --max-connections`; Twisted's LimitTotalConnectionsFactory without an overflow
// protocol).
//
// A connection counts from the moment its protocol is built until its connection_lost()
// has returned. Beyond `max_connections`, build_protocol() returns nullptr, and the
// reactor closes the new connection at once (kit/factory.h). Each refusal is logged as a
// warning, through a kit::LogLimiter on the clock given: a flood of refusals makes about
// one line per second, the held-back ones counted ("(N similar messages suppressed)").
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_POLICIES_CONNECTION_LIMIT_FACTORY_H_
#define KIT_PROTOCOLS_POLICIES_CONNECTION_LIMIT_FACTORY_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kit/address.h"
#include "kit/clock.h"
#include "kit/factory.h"
#include "kit/log_limiter.h"
#include "kit/protocol.h"
#include "kit/wrapping_factory.h"

namespace kit::protocols {

class ConnectionLimitFactory : public kit::WrappingFactory {
 public:
  // `clock` times the log's rate limit (the reactor, or a FakeClock); it must outlive
  // the factory.
  ConnectionLimitFactory(Factory& wrapped, std::size_t max_connections, Clock& clock);

  // build_protocol: nullptr when max_connections() are open already.
  std::unique_ptr<Protocol> build_protocol(const Address& peer) override;

  std::size_t max_connections() const noexcept { return max_connections_; }
  // refused: how many connections were refused so far.
  std::uint64_t refused() const noexcept { return refused_; }

 private:
  std::size_t max_connections_;
  std::uint64_t refused_ = 0;
  LogLimiter refusal_log_;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_POLICIES_CONNECTION_LIMIT_FACTORY_H_
