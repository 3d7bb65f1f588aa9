// EchoProtocol: sends back every byte it receives (`protokit serve echo`).
//
// Bytes go back in the chunks they arrived in, with no buffering of its own. When the
// peer half-closes, the connection is closed once everything has been sent back.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_ECHO_ECHO_PROTOCOL_H_
#define KIT_PROTOCOLS_ECHO_ECHO_PROTOCOL_H_

#include <string_view>

#include "kit/protocol.h"

namespace kit::protocols {

class EchoProtocol : public Protocol {
 public:
  EchoProtocol() = default;

  void data_received(std::string_view data) override { transport()->write(data); }
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_ECHO_ECHO_PROTOCOL_H_
