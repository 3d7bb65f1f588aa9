// Fuzz target: EchoProtocol fed the input in chunks derived from the input itself
// (testing::fuzz_chunking). Invariant: what comes back is exactly the payload, and the
// connection stays open.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fakes/string_transport.h"
#include "protocols/echo/echo_protocol.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  kit::fakes::StringTransport transport;
  kit::protocols::EchoProtocol protocol;
  transport.connect(protocol);
  kit::testing::deliver(transport, fuzz.chunks);
  FUZZ_CHECK(transport.value() == fuzz.payload);
  FUZZ_CHECK(transport.connected());
  return 0;
}
