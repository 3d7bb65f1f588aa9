// Fuzz target: NetstringReceiver fed the input in chunks derived from the input itself
// (testing::fuzz_chunking), with a limit picked by the first byte's top bits (0, 9, 100
// or 99999 bytes). A refusal keeps the connection, so input after it is exercised too.
// Invariants: any chunking gives the events (strings, and the refusal with its reason)
// of the payload fed whole; at most one refusal, and nothing delivered after it; no string
// over the limit; the strings, framed again, are exactly the start of the payload.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"
#include "protocols/basic/netstring_receiver.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

namespace {

class Recorder : public kit::protocols::NetstringReceiver {
 public:
  using NetstringReceiver::NetstringReceiver;
  void string_received(std::string_view s) override {
    FUZZ_CHECK(!broken_peer().has_value());
    FUZZ_CHECK(s.size() <= max_length());
    events.push_back("str:" + std::string(s));
    reframed += std::to_string(s.size()) + ":" + std::string(s) + ",";
  }
  void bad_netstring(const kit::Failure& reason) override {
    FUZZ_CHECK(reason.is(kit::errc::protocol_error));
    FUZZ_CHECK(!reason.message().empty());
    events.push_back("bad:" + reason.message());
  }
  std::vector<std::string> events;
  std::string reframed;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  const std::size_t limits[] = {0, 9, 100, 99999};
  const std::size_t max_length = limits[data[0] >> 6];

  std::vector<std::string> results[2];
  std::string reframed;
  for (int whole = 0; whole < 2; ++whole) {
    kit::fakes::StringTransport transport;
    Recorder protocol(max_length);
    transport.connect(protocol);
    kit::testing::deliver(transport,
                          whole ? kit::testing::Chunking{std::string(fuzz.payload)} : fuzz.chunks);
    results[whole] = protocol.events;
    reframed = protocol.reframed;
  }
  FUZZ_CHECK(results[0] == results[1]);
  std::size_t bad = 0;
  for (const std::string& event : results[1]) {
    if (event.rfind("bad:", 0) == 0) ++bad;
  }
  FUZZ_CHECK(bad <= 1);
  FUZZ_CHECK(fuzz.payload.substr(0, reframed.size()) == reframed);
  return 0;
}
