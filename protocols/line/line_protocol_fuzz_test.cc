// Fuzz target: LineProtocol fed the input in chunks derived from the input itself
// (testing::fuzz_chunking), with a small line limit so that long lines are common.
// Invariants: the chunking changes nothing (same output, same close as the payload fed
// whole); every answer is a CRLF-terminated "You said: <line>" with a line of at most the
// limit and no LF, and only the last may be "Goodbye." or "error: line too long", which
// come with the connection closed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fakes/string_transport.h"
#include "protocols/line/line_protocol.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

namespace {

constexpr std::size_t kMaxLine = 64;

struct Outcome {
  std::string output;
  bool closed;
};

Outcome run(const kit::testing::Chunking& chunks) {
  kit::fakes::StringTransport transport;
  kit::protocols::LineProtocol protocol(kMaxLine);
  transport.connect(protocol);
  kit::testing::deliver(transport, chunks);
  return {transport.value(), !transport.connected()};
}

void check_well_formed(const Outcome& outcome) {
  std::string_view rest = outcome.output;
  bool ended = false;
  while (!rest.empty()) {
    FUZZ_CHECK(!ended);  // nothing after "Goodbye." or the error
    const std::size_t end = rest.find("\r\n");
    FUZZ_CHECK(end != std::string_view::npos);
    const std::string_view answer = rest.substr(0, end);
    rest.remove_prefix(end + 2);
    if (answer == "Goodbye." || answer == "error: line too long") {
      ended = true;
      continue;
    }
    FUZZ_CHECK(answer.substr(0, 10) == "You said: ");
    const std::string_view line = answer.substr(10);
    FUZZ_CHECK(line.size() <= kMaxLine);
    FUZZ_CHECK(line.find('\n') == std::string_view::npos);
    FUZZ_CHECK(line != "quit");
  }
  FUZZ_CHECK(ended == outcome.closed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  const Outcome chunked = run(fuzz.chunks);
  const Outcome whole = run(kit::testing::Chunking{std::string(fuzz.payload)});
  FUZZ_CHECK(chunked.output == whole.output);
  FUZZ_CHECK(chunked.closed == whole.closed);
  check_well_formed(chunked);
  return 0;
}
