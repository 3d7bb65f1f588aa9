// Fuzz target: LineReceiver, driven by ScriptedLineReceiver's commands (raw mode switches,
// pauses, closes, limit and delimiter changes) found in the input itself, fed in chunks
// derived from the input (testing::fuzz_chunking). The first byte also picks the starting
// delimiter (bits 4-5) and line limit (bits 6-7: 8, 16, 24 or 32 bytes).
// Invariants: any chunking gives the events of the payload fed whole, and no line breaks
// the framing's promises (ScriptedLineReceiver records those as "BAD:").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/basic/scripted_line_receiver.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  const int delimiter = (data[0] >> 4) % kit::protocols::script_delimiters;
  const std::size_t max_length = 8 * (std::size_t{data[0]} >> 6) + 8;

  const std::vector<std::string> chunked =
      kit::protocols::run_script(fuzz.chunks, delimiter, max_length);
  const std::vector<std::string> whole =
      kit::protocols::run_script({std::string(fuzz.payload)}, delimiter, max_length);
  FUZZ_CHECK(chunked == whole);
  for (const std::string& event : chunked) FUZZ_CHECK(event.rfind("BAD:", 0) != 0);
  return 0;
}
