// Fuzz target: LineOnlyReceiver fed the input in chunks derived from the input itself
// (testing::fuzz_chunking); the first byte also picks the delimiter (bits 4-5: CRLF, LF,
// LF with CR stripped, "aab") and a small line limit (bits 6-7). Overlong lines keep the
// connection, so the skipping of their rest is exercised too.
// Invariants: any chunking gives the lines of the payload fed whole; every line is at most
// the limit and holds no delimiter; without overlong lines, the lines and delimiters put
// back together are the payload up to its last delimiter.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"
#include "protocols/basic/line_only_receiver.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

namespace {

using kit::protocols::LineDelimiter;

class Recorder : public kit::protocols::LineOnlyReceiver {
 public:
  using LineOnlyReceiver::LineOnlyReceiver;
  void line_received(std::string_view line) override {
    FUZZ_CHECK(line.size() <= max_length());
    FUZZ_CHECK(line.find(delimiter().ends()) == std::string_view::npos);
    events.push_back("line:" + std::string(line));
  }
  void line_length_exceeded(std::string_view line) override {
    FUZZ_CHECK(line.size() > max_length());
    events.push_back("long");
  }
  std::vector<std::string> events;
};

std::vector<std::string> run(const kit::testing::Chunking& chunks, const LineDelimiter& delimiter,
                             std::size_t max_length) {
  kit::fakes::StringTransport transport;
  Recorder protocol(delimiter, max_length);
  transport.connect(protocol);
  kit::testing::deliver(transport, chunks);
  return protocol.events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  const LineDelimiter delimiters[] = {LineDelimiter::crlf(), LineDelimiter::lf(),
                                      LineDelimiter::lf_strip_cr(), LineDelimiter::custom("aab")};
  const LineDelimiter& delimiter = delimiters[(data[0] >> 4) % 4];
  const std::size_t max_length = 8 * (std::size_t{data[0]} >> 6) + 8;

  const std::vector<std::string> chunked = run(fuzz.chunks, delimiter, max_length);
  const std::vector<std::string> whole = run({std::string(fuzz.payload)}, delimiter, max_length);
  FUZZ_CHECK(chunked == whole);

  bool any_long = false;
  std::string rebuilt;
  for (const std::string& event : whole) {
    if (event == "long") {
      any_long = true;
      break;
    }
    rebuilt += event.substr(5);
    if (delimiter.strips_cr()) {
      // A stripped CR cannot be told from its absence; put back what the payload had.
      if (fuzz.payload.substr(rebuilt.size(), 2) == "\r\n") rebuilt += '\r';
    }
    rebuilt += delimiter.ends();
  }
  if (!any_long) FUZZ_CHECK(fuzz.payload.substr(0, rebuilt.size()) == rebuilt);
  return 0;
}
