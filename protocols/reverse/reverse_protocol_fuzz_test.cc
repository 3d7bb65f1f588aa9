// Fuzz target: ReverseProtocol fed the input in chunks derived from the input itself
// (testing::fuzz_chunking), with a small line limit so that long lines are common.
// Invariants: the chunking changes nothing (same output, same close as the payload fed
// whole); each answer is a CRLF-terminated line of at most the limit with no LF, whose
// reverse is a line of the payload, in order; only the last may be the error, which comes
// with the connection closed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fakes/string_transport.h"
#include "protocols/reverse/reverse_protocol.h"
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
  kit::protocols::ReverseProtocol protocol(kMaxLine);
  transport.connect(protocol);
  kit::testing::deliver(transport, chunks);
  return {transport.value(), !transport.connected()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  const Outcome chunked = run(fuzz.chunks);
  const Outcome whole = run(kit::testing::Chunking{std::string(fuzz.payload)});
  FUZZ_CHECK(chunked.output == whole.output);
  FUZZ_CHECK(chunked.closed == whole.closed);

  // Each answer, reversed, is the next line of the payload (less a CR before its LF).
  std::string_view rest = chunked.output;
  std::string_view payload = fuzz.payload;
  bool refused = false;
  while (!rest.empty()) {
    FUZZ_CHECK(!refused);
    const std::size_t end = rest.find("\r\n");
    FUZZ_CHECK(end != std::string_view::npos);
    const std::string answer(rest.substr(0, end));
    rest.remove_prefix(end + 2);
    const std::size_t lf = payload.find('\n');
    std::string_view line = payload.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (lf == std::string_view::npos || std::string(answer.rbegin(), answer.rend()) != line) {
      // Not the next line reversed: only the refusal may stand here.
      FUZZ_CHECK(answer == "error: line too long");
      refused = true;
      continue;
    }
    FUZZ_CHECK(answer.size() <= kMaxLine);
    payload.remove_prefix(lf + 1);
  }
  if (refused) FUZZ_CHECK(chunked.closed);
  return 0;
}
