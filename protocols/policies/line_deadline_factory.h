// LineDeadlineFactory: bounds how long one line may take to arrive on the connections of
// a line-mode factory (`protokit serve line|reverse --line-timeout`), as nginx bounds the
// time a request head may take (client_header_timeout).
//
// Against slowloris: the idle timeout restarts on every byte, so a peer sending one byte
// a second would hold a connection for hours. Here a deadline starts with the first byte
// of a line and is cancelled by its LF; when it passes first, the layer writes `answer`
// (by default "error: line timeout\r\n") and closes the connection with lose_connection(),
// as the line protocols do for a line too long. With no partial line pending only the
// idle timeout applies. Time is the connection's clock (its transport's context).
//
// The layer looks only at the bytes delivered to the protocol (a paused protocol's input
// is not counted until it reads it), and never changes them.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_POLICIES_LINE_DEADLINE_FACTORY_H_
#define KIT_PROTOCOLS_POLICIES_LINE_DEADLINE_FACTORY_H_

#include <memory>
#include <string>

#include "kit/factory.h"
#include "kit/protocol_wrapper.h"
#include "kit/time.h"
#include "kit/wrapping_factory.h"

namespace kit::protocols {

class LineDeadlineFactory : public WrappingFactory {
 public:
  // `timeout` > 0 (std::invalid_argument otherwise).
  LineDeadlineFactory(Factory& wrapped, Duration timeout,
                      std::string answer = "error: line timeout\r\n");

  Duration timeout() const noexcept { return timeout_; }

 protected:
  std::unique_ptr<ProtocolWrapper> wrap(std::unique_ptr<Protocol> protocol) override;

 private:
  Duration timeout_;
  std::string answer_;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_POLICIES_LINE_DEADLINE_FACTORY_H_
