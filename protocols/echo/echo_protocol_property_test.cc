#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "fakes/string_transport.h"
#include "protocols/echo/echo_protocol.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"

namespace kit::protocols {
namespace {

RC_GTEST_PROP(EchoProtocolProperty, AnyChunkingEchoesTheInputExactly, (const std::string& input)) {
  const testing::Chunking chunks = *testing::gen::chunking(input);
  fakes::StringTransport transport;
  EchoProtocol protocol;
  transport.connect(protocol);
  testing::deliver(transport, chunks);
  RC_ASSERT(transport.value() == input);
  RC_ASSERT(transport.connected());
}

RC_GTEST_PROP(EchoProtocolProperty, ASlowPeerGetsEverythingInOrder, (const std::string& input)) {
  // The peer reads a few bytes now and then: nothing is lost or reordered.
  const testing::Chunking chunks = *testing::gen::chunking(input);
  fakes::StringTransport transport;
  EchoProtocol protocol;
  transport.connect(protocol);
  transport.hold_writes(true);
  for (const std::string& chunk : chunks) {
    transport.receive(chunk);
    transport.deliver_held(*rc::gen::inRange<std::size_t>(0, 8));
  }
  transport.deliver_held();
  RC_ASSERT(transport.value() == input);
}

}  // namespace
}  // namespace kit::protocols
