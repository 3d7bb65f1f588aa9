// Fuzz target: Int32StringReceiver fed the input in chunks derived from the input itself
// (testing::fuzz_chunking), with a limit picked by the first byte's top bits (0, 16, 256
// or 65536 bytes). Refused lengths keep the connection, so skipping is exercised too.
// Invariants: any chunking gives the events of the payload fed whole; no string is over
// the limit; and the strings (with their prefixes) and skipped strings account exactly for
// the payload up to what is still buffered.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"
#include "protocols/basic/int32_string_receiver.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

namespace {

class Recorder : public kit::protocols::Int32StringReceiver {
 public:
  using Int32StringReceiver::Int32StringReceiver;
  void string_received(std::string_view s) override {
    FUZZ_CHECK(s.size() <= max_length());
    events.push_back("str:" + std::string(s));
    accounted += 4 + s.size();
  }
  void length_limit_exceeded(std::uint32_t length) override {
    FUZZ_CHECK(length > max_length());
    events.push_back("exceeded:" + std::to_string(length));
    accounted += 4 + std::uint64_t{length};
  }
  std::vector<std::string> events;
  std::uint64_t accounted = 0;
};

struct Outcome {
  std::vector<std::string> events;
  std::uint64_t accounted;
  std::size_t buffered;
};

Outcome run(const kit::testing::Chunking& chunks, std::size_t max_length) {
  kit::fakes::StringTransport transport;
  Recorder protocol(max_length);
  transport.connect(protocol);
  kit::testing::deliver(transport, chunks);
  return {protocol.events, protocol.accounted, protocol.buffered_size()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  const std::size_t limits[] = {0, 16, 256, 65536};
  const std::size_t max_length = limits[data[0] >> 6];

  const Outcome chunked = run(fuzz.chunks, max_length);
  const Outcome whole = run({std::string(fuzz.payload)}, max_length);
  FUZZ_CHECK(chunked.events == whole.events);
  FUZZ_CHECK(chunked.buffered == whole.buffered);
  // Everything is either delivered, skipped, or still buffered (a refused string's skip
  // may run past the end of the payload).
  FUZZ_CHECK(whole.accounted + whole.buffered >= fuzz.payload.size());
  FUZZ_CHECK(whole.buffered < 4 + max_length + 4);
  return 0;
}
