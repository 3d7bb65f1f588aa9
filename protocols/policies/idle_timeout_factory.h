// IdleTimeoutFactory: closes the connections of another factory that stay idle -- no data
// received and none written -- for a given time (Twisted's policies.TimeoutFactory;
// `protokit serve --idle-timeout`).
//
// Each protocol is wrapped in a kit::ProtocolWrapper that notes activity on
// data_received(), write() and write_sequence(), on an IdleTimeout counting on the
// connection's clock (its transport's context, kit/context.h). When the time passes with none, the
// connection is closed with lose_connection(), so what was written is still sent; if it is
// not gone one more timeout later (a peer that reads nothing keeps it from flushing), it
// is aborted.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_POLICIES_IDLE_TIMEOUT_FACTORY_H_
#define KIT_PROTOCOLS_POLICIES_IDLE_TIMEOUT_FACTORY_H_

#include <memory>

#include "kit/factory.h"
#include "kit/protocol.h"
#include "kit/protocol_wrapper.h"
#include "kit/time.h"
#include "kit/wrapping_factory.h"

namespace kit::protocols {

class IdleTimeoutFactory : public WrappingFactory {
 public:
  // `timeout` > 0 (std::invalid_argument otherwise).
  IdleTimeoutFactory(Factory& wrapped, Duration timeout);

  Duration timeout() const noexcept { return timeout_; }

 protected:
  std::unique_ptr<ProtocolWrapper> wrap(std::unique_ptr<Protocol> protocol) override;

 private:
  Duration timeout_;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_POLICIES_IDLE_TIMEOUT_FACTORY_H_
